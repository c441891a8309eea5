import { spawnSync } from "node:child_process";
import { startFake } from "../scripts/fake-process.mjs";
const fake = await startFake(["--profile", "tvos14"]);
const code = `
const t0=performance.now();
const z=require("/work/main/packages/zeroconf/dist/index.cjs");
const t1=performance.now();
(async()=>{
 const types=["_mediaremotetv._tcp.local","_airplay._tcp.local","_companion-link._tcp.local","_raop._tcp.local","_touch-able._tcp.local","_appletv-v2._tcp.local","_hscp._tcp.local","_sleep-proxy._udp.local","_device-info._tcp.local"];
 const r=await z.unicastScan({hosts:["127.0.0.1"],port:${fake.ready.mdns_port},serviceTypes:types,timeout:3000, knockPorts: process.env.K==="0"?[]:undefined});
 const t2=performance.now();
 const r2=await z.unicastScan({hosts:["127.0.0.1"],port:${fake.ready.mdns_port},serviceTypes:types,timeout:3000, knockPorts: process.env.K==="0"?[]:undefined});
 const t3=performance.now();
 console.log("start",t0.toFixed(1),"require",(t1-t0).toFixed(1),"scan1",(t2-t1).toFixed(1),"scan2",(t3-t2).toFixed(1), r.length);
})();`;
for (const K of ["1","0","1","0"]) { const o=spawnSync(process.execPath,["-e",code],{encoding:"utf8",env:{...process.env,K}}); console.log("K="+K, o.stdout.trim(), o.stderr.slice(0,300)); }
await fake.stop();
