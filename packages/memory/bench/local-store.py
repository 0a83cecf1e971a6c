"""diffsync's LocalStore (diffsync/store/local.py, v2.2.1a0), method for method, with a minimal
model class in place of DiffSyncModel (pydantic is not installable here: only the store's own
work is timed, on objects built beforehand). Prints the time of each phase as JSON, for
bench/object-store.mjs. Usage: python3 local-store.py N"""
import json
import sys
import time
from collections import defaultdict


class ObjectNotFound(Exception):
    pass


class ObjectAlreadyExists(Exception):
    pass


class Device:
    _modelname = "device"
    _identifiers = ("site", "name")

    def __init__(self, site, name, role, tags, specs):
        self.site, self.name, self.role, self.tags, self.specs = site, name, role, tags, specs

    @classmethod
    def get_type(cls):
        return cls._modelname

    def get_unique_id(self):
        return "__".join(str(getattr(self, key)) for key in self._identifiers)


class LocalStore:
    def __init__(self):
        self._data = defaultdict(dict)

    def get(self, *, model, identifier):
        modelname = model if isinstance(model, str) else model.get_type()
        uid = identifier
        if uid not in self._data[modelname]:
            raise ObjectNotFound(f"{modelname} {uid} not present in store")
        return self._data[modelname][uid]

    def get_all(self, *, model):
        modelname = model if isinstance(model, str) else model.get_type()
        return list(self._data[modelname].values())

    def get_by_uids(self, *, uids, model):
        modelname = model if isinstance(model, str) else model.get_type()
        results = []
        for uid in uids:
            if uid not in self._data[modelname]:
                raise ObjectNotFound(f"{modelname} {uid} not present in store")
            results.append(self._data[modelname][uid])
        return results

    def remove(self, *, obj, remove_children=False):
        modelname = obj.get_type()
        uid = obj.get_unique_id()
        if uid not in self._data[modelname]:
            raise ObjectNotFound(f"{modelname} {uid} not present in store")
        del self._data[modelname][uid]

    def add(self, *, obj):
        modelname = obj.get_type()
        uid = obj.get_unique_id()
        existing_obj_dict = self._data[modelname]
        if uid in existing_obj_dict:
            existing_obj = existing_obj_dict[uid]
            if existing_obj is not obj:
                raise ObjectAlreadyExists(f"Object {uid} already present", obj)
            return
        existing_obj_dict[uid] = obj

    def update(self, *, obj):
        modelname = obj.get_type()
        uid = obj.get_unique_id()
        existing_obj_dict = self._data[modelname]
        existing_obj = existing_obj_dict.get(uid)
        if existing_obj is not None and existing_obj is not obj:
            raise ObjectAlreadyExists(f"Object {uid} already present", obj)
        existing_obj_dict[uid] = obj

    def count(self, *, model=None):
        if not model:
            return sum(len(entries) for entries in self._data.values())
        modelname = model if isinstance(model, str) else model.get_type()
        return len(self._data[modelname])


def main():
    n = int(sys.argv[1])
    devices = [Device(f"s{i % 50}", f"d{i}", "edge" if i % 2 else "core", ["a", "b"], {"ports": 48, "poe": True}) for i in range(n)]
    uids = [device.get_unique_id() for device in devices][::-1]
    store = LocalStore()
    times = {}

    def phase(name, work):
        start = time.perf_counter()
        work()
        times[name] = (time.perf_counter() - start) * 1000

    phase("add", lambda: [store.add(obj=device) for device in devices])
    phase("get", lambda: [store.get(model=Device, identifier=uid) for uid in uids])
    phase("getAll", lambda: [store.get_all(model=Device) for _ in range(20)])
    phase("getByUids", lambda: store.get_by_uids(uids=uids, model=Device))
    phase("count", lambda: [store.count(model=Device) for _ in range(n)])
    phase("update", lambda: [store.update(obj=device) for device in devices])
    phase("remove", lambda: [store.remove(obj=device) for device in devices])
    print(json.dumps(times))


main()
