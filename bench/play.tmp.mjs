import { spawnSync } from "node:child_process";
import { bins, startFake } from "../scripts/fake-process.mjs";
import { median } from "./stats.mjs";
import { mkdtempSync } from "node:fs"; import { tmpdir } from "node:os"; import { join } from "node:path";
const home = mkdtempSync(join(tmpdir(), "atv-bench-home-"));
const env = { ...process.env, HOME: home, XDG_CACHE_HOME: join(home, ".cache") };
const run=(args)=>{const s=process.hrtime.bigint();const r=spawnSync(process.execPath,args,{encoding:"utf8",env});if(r.status!==0)throw new Error(r.stderr);return Number(process.hrtime.bigint()-s)/1e6;};
const fake = await startFake(["--profile", process.argv[2] ?? "tvos14"]);
const base = ["-s", "127.0.0.1", "--mdns-port", String(fake.ready.mdns_port)];
const cmd=[bins.atvscript,...base,"playing"];
run(["-e","0"]);run(cmd);
const n=[],c=[];for(let i=0;i<(+process.env.N||21);i++){n.push(run(["-e","0"]));c.push(run(cmd));}
const q=(a,p)=>{const s=[...a].sort((x,y)=>x-y);return s[Math.floor(p*(s.length-1))].toFixed(1)};const d=c.map((x,i)=>x-n[i]);console.log("q25",q(d,.25),"q75",q(d,.75),"cmdq25",q(c,.25),"nodeq25",q(n,.25));console.log("node",median(n).toFixed(1),"cmd",median(c).toFixed(1),"diff",median(c.map((x,i)=>x-n[i])).toFixed(1));
await fake.stop();
