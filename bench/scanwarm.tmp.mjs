import { startFake } from "../scripts/fake-process.mjs";
import * as z from "../packages/zeroconf/dist/index.js";
const fake = await startFake(["--profile", "tvos14"]);
const types=["_mediaremotetv._tcp.local","_airplay._tcp.local","_companion-link._tcp.local","_raop._tcp.local","_touch-able._tcp.local","_appletv-v2._tcp.local","_hscp._tcp.local","_sleep-proxy._udp.local","_device-info._tcp.local"];
for (const knockPorts of [[], undefined]) {
const t=[];for(let i=0;i<30;i++){const s=performance.now();await z.unicastScan({hosts:["127.0.0.1"],port:fake.ready.mdns_port,serviceTypes:types,timeout:3000,knockPorts});t.push(performance.now()-s);}
t.sort((a,b)=>a-b);console.log(knockPorts?"knock":"noknock","median",t[15].toFixed(2),"min",t[0].toFixed(2));}
await fake.stop();
