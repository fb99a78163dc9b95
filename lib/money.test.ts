import { describe, expect, it } from "vitest";
import {
  addMoney,
  AWS_STORAGE_PRICES,
  formatMoney,
  formatMoneyTotals,
  formatUnitPrice,
  isAwsEndpoint,
  monthlyCost,
  monthlyCostOfRows,
  pricePerGiBMonth,
  resolveStoragePrice,
} from "@/lib/money";

const GIB = 1024 ** 3;

describe("resolveStoragePrice", () => {
  it("uses AWS's published prices for AWS endpoints and 0 elsewhere unless set", () => {
    const aws = resolveStoragePrice(undefined, "s3.eu-west-1.amazonaws.com");
    expect(aws.source).toBe("aws-default");
    expect(aws.perGiBMonth).toBe(AWS_STORAGE_PRICES.STANDARD);
    expect(pricePerGiBMonth(aws, "STANDARD_IA")).toBe(AWS_STORAGE_PRICES.STANDARD_IA);

    const ceph = resolveStoragePrice(undefined, "rgw.lab.example:8443");
    expect(ceph).toMatchObject({ source: "unset", perGiBMonth: 0 });

    const set = resolveStoragePrice({ currency: "EUR", perGiBMonth: 0.01, byStorageClass: { COLD: 0.002 } }, "127.0.0.1:7480");
    expect(set.source).toBe("profile");
    expect(pricePerGiBMonth(set, "COLD")).toBe(0.002);
    expect(pricePerGiBMonth(set, "STANDARD")).toBe(0.01);
    expect(pricePerGiBMonth(set, null)).toBe(0.01);
  });

  it("recognises AWS hosts only", () => {
    expect(isAwsEndpoint("s3.amazonaws.com")).toBe(true);
    expect(isAwsEndpoint("bucket.s3.us-east-1.amazonaws.com:443")).toBe(true);
    expect(isAwsEndpoint("amazonaws.com.evil.example")).toBe(false);
    expect(isAwsEndpoint("s3.cn-north-1.amazonaws.com.cn")).toBe(false);
  });

  it("does not treat a storage class named like an Object property as priced", () => {
    const price = resolveStoragePrice({ currency: "USD", perGiBMonth: 0.5, byStorageClass: {} }, "x");
    expect(pricePerGiBMonth(price, "constructor")).toBe(0.5);
    expect(pricePerGiBMonth(price, "__proto__")).toBe(0.5);
  });
});

describe("costs", () => {
  it("prices bytes per GiB-month and each row at its class", () => {
    expect(monthlyCost(GIB, 0.023)).toBeCloseTo(0.023, 10);
    expect(monthlyCost(512 * 1024 ** 2, 0.02)).toBeCloseTo(0.01, 10);
    const price = resolveStoragePrice(undefined, "s3.amazonaws.com");
    const rows = [
      { storageClass: "STANDARD", partsInfo: { bytes: 2 * GIB } },
      { storageClass: "GLACIER", partsInfo: { bytes: GIB } },
      { storageClass: null, partsInfo: { bytes: GIB } },
      { storageClass: "STANDARD", partsInfo: null },
    ];
    expect(monthlyCostOfRows(rows, price)).toBeCloseTo(2 * 0.023 + 0.0036 + 0.023, 10);
  });

  it("formats amounts for people", () => {
    expect(formatMoney(12.3, "USD")).toBe("$12.30");
    expect(formatMoney(0.42, "USD")).toBe("$0.42");
    expect(formatMoney(0.0016, "USD")).toBe("$0.0016");
    expect(formatMoney(0.00123, "USD")).toBe("$0.0012");
    expect(formatMoney(0.0000107, "USD")).toBe("$0.000011");
    expect(formatMoney(0, "USD")).toBe("$0.00");
    expect(formatMoney(1.5, "EUR")).toBe("€1.50");
    expect(formatUnitPrice(0.023, "USD")).toBe("$0.023");
    expect(formatUnitPrice(0.00099, "USD")).toBe("$0.00099");
    expect(formatUnitPrice(2, "USD")).toBe("$2.00");
  });

  it("keeps totals per currency", () => {
    let totals = addMoney({}, "USD", 1);
    totals = addMoney(totals, "USD", 0.2);
    totals = addMoney(totals, "EUR", 0.4);
    expect(totals).toEqual({ USD: 1.2, EUR: 0.4 });
    expect(formatMoneyTotals(totals)).toBe("$1.20 + €0.40");
    expect(formatMoneyTotals({})).toBe("—");
  });
});
