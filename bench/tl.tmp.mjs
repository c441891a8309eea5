import { spawnSync } from "node:child_process";
import { startFake } from "../scripts/fake-process.mjs";
import { median } from "./stats.mjs";
import { mkdtempSync } from "node:fs"; import { tmpdir } from "node:os"; import { join } from "node:path";
const home = mkdtempSync(join(tmpdir(), "atv-bench-home-"));
const env = { ...process.env, HOME: home, XDG_CACHE_HOME: join(home, ".cache") };
const fake = await startFake(["--profile", "tvos14"]);
const A=[(process.env.D||"/tmp/ab/tim2")+"/dist/launch.cjs","-s","127.0.0.1","--mdns-port",String(fake.ready.mdns_port),"playing"];
const rows=[];
for(let i=0;i<25;i++){const s=process.hrtime.bigint();const r=spawnSync(process.execPath,A,{encoding:"utf8",env});const wall=Number(process.hrtime.bigint()-s)/1e6;
 const T=JSON.parse(r.stderr.trim().split("\n").pop()); const o={wall}; for(const [k,v] of T) o[k]=v; rows.push(o);}
const keys=Object.keys(rows[3]);
let prev=null; for(const k of keys){ const m=median(rows.slice(2).map(r=>r[k])); console.log(k.padEnd(12), m.toFixed(1), prev===null?"":("+"+median(rows.slice(2).map(r=>r[k]-r[prev])).toFixed(1))); if(k!=="wall") prev=k; }
const n=[];for(let i=0;i<15;i++){const s=process.hrtime.bigint();spawnSync(process.execPath,["-e","0"]);n.push(Number(process.hrtime.bigint()-s)/1e6);} console.log("node -e 0", median(n).toFixed(1));
const ne=[];for(let i=0;i<15;i++){const r=spawnSync(process.execPath,["-e","process.stdout.write(String(performance.now()))"],{encoding:"utf8"});ne.push(+r.stdout);} console.log("node -e: perf.now at user code", median(ne).toFixed(1));
await fake.stop();
