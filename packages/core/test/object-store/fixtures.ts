import { defineModel } from "../../src/index.js";

export interface DeviceFields {
  name: string;
  site: string;
  role: string | null;
  interfaces: string[];
}

export class Device extends defineModel<DeviceFields>()({
  type: "device",
  identifiers: ["name"],
  attributes: ["site", "role"],
  children: { interface: "interfaces" },
  defaults: { role: null },
}) {}

export interface InterfaceFields {
  device: string;
  name: string;
  description: string;
  mtu: number;
}

export class Interface extends defineModel<InterfaceFields>()({
  type: "interface",
  identifiers: ["device", "name"],
  shortname: ["name"],
  attributes: ["description", "mtu"],
  defaults: { mtu: 1500 },
}) {}
