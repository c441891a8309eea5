// DMAP tag codec throughput on a large listing: one mlcl container of 10,000 mlit items
// with six tags each (ids, a duration, title, artist, album), about 1 MB, as a DAAP
// library listing is shaped. pyatv's parser reads the same items at about 5 MB/s (900 of
// them; it recurses once per sibling, so 10,000 exceed Python's recursion limit).
import { pathToFileURL } from "node:url";
import { decodeDmap, encodeDmap } from "@atv/dmap";
import { median, timeMs } from "./stats.mjs";

const ITEMS = 10_000;
const WARM_UP = 5;
const RUNS = 25;

function listing() {
  const items = [];
  for (let i = 0; i < ITEMS; i++) {
    items.push({
      tag: "mlit",
      type: "container",
      value: [
        { tag: "miid", type: "uint", value: 100_000 + i, size: 4 },
        { tag: "asai", type: "uint", value: 2 ** 40 + (i % 50), size: 8 },
        { tag: "astm", type: "uint", value: 180_000 + i, size: 4 },
        { tag: "minm", type: "string", value: `Track number ${i}` },
        { tag: "asar", type: "string", value: `Artist ${i % 97}` },
        { tag: "asal", type: "string", value: `Album ${i % 50} (Deluxe)` },
      ],
    });
  }
  return [{ tag: "mlcl", type: "container", value: items }];
}

async function throughput() {
  const bytes = encodeDmap(listing());
  const tree = decodeDmap(bytes);
  const mb = bytes.length / 1e6;
  for (let i = 0; i < WARM_UP; i++) {
    decodeDmap(bytes);
    encodeDmap(tree);
  }
  const decode = [];
  const encode = [];
  for (let i = 0; i < RUNS; i++) {
    decode.push(await timeMs(async () => decodeDmap(bytes)));
    encode.push(await timeMs(async () => encodeDmap(tree)));
  }
  return { mb, decode: mb / (median(decode) / 1000), encode: mb / (median(encode) / 1000) };
}

export async function benchDmap() {
  const { mb, decode, encode } = await throughput();
  const size = `${ITEMS.toLocaleString("en-US")} items, ${mb.toFixed(2)} MB`;
  return [
    {
      name: `DMAP tag decode of a 10,000-item container (${size}), median`,
      value: decode,
      unit: "MB/s",
      target: "≥ 100 MB/s (pyatv ~5 MB/s)",
    },
    {
      name: "DMAP tag encode of the same tree, median",
      value: encode,
      unit: "MB/s",
      target: "reference",
    },
  ];
}

// `node bench/dmap.mjs` runs these rows alone.
if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  for (const row of await benchDmap()) {
    console.log(
      `${`${row.value.toFixed(1)} ${row.unit}`.padStart(14)}  ${row.name}  [${row.target}]`,
    );
  }
}
