import { spawnSync } from "node:child_process";
import { startFake } from "../scripts/fake-process.mjs";
import { median } from "./stats.mjs";
import { mkdtempSync } from "node:fs"; import { tmpdir } from "node:os"; import { join } from "node:path";
const home = mkdtempSync(join(tmpdir(), "atv-bench-home-"));
const env = { ...process.env, HOME: home, XDG_CACHE_HOME: join(home, ".cache") };
const run=(args)=>{const s=process.hrtime.bigint();const r=spawnSync(process.execPath,args,{encoding:"utf8",env});return Number(process.hrtime.bigint()-s)/1e6;};
const fake = await startFake(["--profile", "tvos14"]);
const L="/tmp/ab/min/dist/launch.cjs";
const base = ["-s", "127.0.0.1", "--mdns-port", String(fake.ready.mdns_port)];
const cmds={node:["-e","0"], help:[L,"--help"], bogus:[L,"bogus_cmd"], scan:[L,...base,"scan"], playing:[L,...base,"playing"]};
for(const c of Object.values(cmds)){run(c);run(c);}
const t={};for(const k in cmds)t[k]=[];
for(let i=0;i<25;i++)for(const k in cmds)t[k].push(run(cmds[k]));
for(const k in cmds)console.log(k.padEnd(8),median(t[k]).toFixed(1),"diff",median(t[k].map((v,i)=>v-t.node[i])).toFixed(1));
await fake.stop();
