import { spawnSync } from "node:child_process";
import { startFake } from "../scripts/fake-process.mjs";
import { median } from "./stats.mjs";
import { mkdtempSync } from "node:fs"; import { tmpdir } from "node:os"; import { join } from "node:path";
const home = mkdtempSync(join(tmpdir(), "atv-bench-home-"));
const env = { ...process.env, HOME: home, XDG_CACHE_HOME: join(home, ".cache") };
const run=(args)=>{const s=process.hrtime.bigint();const r=spawnSync(process.execPath,args,{encoding:"utf8",env});if(r.status!==0)throw new Error(r.stderr);return Number(process.hrtime.bigint()-s)/1e6;};
const fake = await startFake(["--profile", "tvos14"]);
const base = ["-s", "127.0.0.1", "--mdns-port", String(fake.ready.mdns_port), process.argv[2] ?? "playing"];
const A=["/tmp/ab/min/dist/launch.cjs",...base], B=["/tmp/ab/unmin/dist/launch.cjs",...base];
run(A);run(B);run(A);run(B);
const n=[],a=[],b=[];for(let i=0;i<(+process.env.N||30);i++){n.push(run(["-e","0"]));a.push(run(A));b.push(run(B));}
const d=(x)=>median(x.map((v,i)=>v-n[i])).toFixed(1);
console.log("node",median(n).toFixed(1),"min",median(a).toFixed(1),"diff",d(a),"unmin",median(b).toFixed(1),"diff",d(b), "a-b", median(a.map((v,i)=>v-b[i])).toFixed(1));
await fake.stop();
