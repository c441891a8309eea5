import { AppleTV, DeviceInfo, DeviceModel } from "@atv/core";
import { describe, expect, it } from "vitest";
import { formatDeviceTable } from "./device-table.js";

const device = (name: string, address: string, model: DeviceModel) =>
  new AppleTV({ name, address, deviceInfo: new DeviceInfo({ model }) });

describe("formatDeviceTable", () => {
  it("lays the devices out as tabulate's simple format", () => {
    const table = formatDeviceTable([
      device("Receiver+", "10.0.10.200", DeviceModel.Unknown),
      device("Vardagsrum", "10.0.10.81", DeviceModel.Gen4K),
    ]);
    expect(table.split("\n")).toEqual([
      "    Name        Model        Address",
      "--  ----------  -----------  -----------",
      " 1  Receiver+   Unknown      10.0.10.200",
      " 2  Vardagsrum  Apple TV 4K  10.0.10.81",
    ]);
  });
});
