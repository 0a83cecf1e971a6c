"""The seed's SQLiteStore example (diffsync's storage document, custom backend), timed per phase.

Its get, add and get_all_model_names are the seed's code; the methods it leaves out ("Implement
other required methods...") are written in the same style: a connection per call, pickled rows.
Usage: python3 seed_sqlite_store.py <objects> <file.db>; prints one JSON line of ms per phase.
"""
import copy
import json
import pickle
import sqlite3
import sys
import time


class ObjectNotFound(Exception):
    pass


class ObjectAlreadyExists(Exception):
    pass


class Item:
    """A diffsync-like model: type, uid and attributes (what the seed's store pickles)."""

    _modelname = "item"

    def __init__(self, id, name, site, value, tags):
        self.id, self.name, self.site, self.value, self.tags = id, name, site, value, tags
        self.adapter = None

    def get_type(self):
        return self._modelname

    def get_unique_id(self):
        return self.id


class SQLiteStore:
    def __init__(self, database_path):
        self.db_path = database_path
        self.adapter = None
        with sqlite3.connect(self.db_path) as conn:
            conn.execute(
                "CREATE TABLE IF NOT EXISTS objects (model_name TEXT, unique_id TEXT, data BLOB, PRIMARY KEY (model_name, unique_id))"
            )

    def get_all_model_names(self):
        with sqlite3.connect(self.db_path) as conn:
            cursor = conn.execute("SELECT DISTINCT model_name FROM objects")
            return {row[0] for row in cursor.fetchall()}

    def get(self, *, model, identifier):
        with sqlite3.connect(self.db_path) as conn:
            row = conn.execute("SELECT data FROM objects WHERE model_name = ? AND unique_id = ?", (model, identifier)).fetchone()
        if not row:
            raise ObjectNotFound(f"{model} {identifier} not found")
        obj = pickle.loads(row[0])
        obj.adapter = self.adapter
        return obj

    def add(self, *, obj):
        modelname, uid = obj.get_type(), obj.get_unique_id()
        try:
            existing = self.get(model=modelname, identifier=uid)
            if existing is not obj:
                raise ObjectAlreadyExists(f"Object {uid} already exists", obj)
            return
        except ObjectNotFound:
            pass
        obj_copy = copy.copy(obj)
        obj_copy.adapter = None
        with sqlite3.connect(self.db_path) as conn:
            conn.execute("INSERT INTO objects (model_name, unique_id, data) VALUES (?, ?, ?)", (modelname, uid, pickle.dumps(obj_copy)))

    # In the seed's style (it leaves these out):
    def get_all(self, *, model):
        with sqlite3.connect(self.db_path) as conn:
            return [pickle.loads(row[0]) for row in conn.execute("SELECT data FROM objects WHERE model_name = ?", (model,))]

    def get_by_uids(self, *, uids, model):
        return [self.get(model=model, identifier=uid) for uid in uids]

    def update(self, *, obj):
        obj_copy = copy.copy(obj)
        obj_copy.adapter = None
        with sqlite3.connect(self.db_path) as conn:
            conn.execute("INSERT OR REPLACE INTO objects (model_name, unique_id, data) VALUES (?, ?, ?)", (obj.get_type(), obj.get_unique_id(), pickle.dumps(obj_copy)))

    def remove(self, *, obj):
        with sqlite3.connect(self.db_path) as conn:
            if conn.execute("DELETE FROM objects WHERE model_name = ? AND unique_id = ?", (obj.get_type(), obj.get_unique_id())).rowcount == 0:
                raise ObjectNotFound(obj.get_unique_id())

    def count(self, *, model):
        with sqlite3.connect(self.db_path) as conn:
            return conn.execute("SELECT count(*) FROM objects WHERE model_name = ?", (model,)).fetchone()[0]


def main():
    n, path = int(sys.argv[1]), sys.argv[2]
    single, counts = min(n, 5000), 2000
    store = SQLiteStore(path)
    objs = [Item(f"item-{i:08d}", f"device {i}", f"site-{i % 97}", i, ["a", "b"]) for i in range(n)]
    uids = [obj.id for obj in objs]
    ms = {}

    def timed(phase, work):
        start = time.perf_counter()
        work()
        ms[phase] = (time.perf_counter() - start) * 1000

    timed("add", lambda: [store.add(obj=obj) for obj in objs])
    timed("get", lambda: [store.get(model="item", identifier=uid) for uid in uids[:single]])
    timed("getAll", lambda: store.get_all(model="item"))
    timed("getByUids", lambda: store.get_by_uids(uids=uids, model="item"))
    timed("update", lambda: [store.update(obj=obj) for obj in objs[:single]])
    timed("count", lambda: [store.count(model="item") for _ in range(counts)])
    timed("remove", lambda: [store.remove(obj=obj) for obj in objs[:single]])
    print(json.dumps({"n": n, "single": single, "counts": counts, "ms": ms}))


if __name__ == "__main__":
    main()
