import { defineModel } from "@stowage/core";

/** Test models: a device with interface children, as in diffsync's examples. */
export interface DeviceFields {
  name: string;
  site: string;
  interfaces: string[];
}

export class Device extends defineModel<DeviceFields>()({
  type: "device",
  identifiers: ["name"],
  attributes: ["site"],
  children: { interface: "interfaces" },
}) {}

export interface InterfaceFields {
  device: string;
  name: string;
  mtu: number;
}

export class Interface extends defineModel<InterfaceFields>()({
  type: "interface",
  identifiers: ["device", "name"],
  attributes: ["mtu"],
  defaults: { mtu: 1500 },
}) {}

/** A model whose type name is full of key-syntax and glob characters. */
export class Weird extends defineModel<{ id: string; value: number }>()({
  type: "we:ird*?[x]{y}%",
  identifiers: ["id"],
  attributes: ["value"],
}) {}
