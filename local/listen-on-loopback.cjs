// Preloaded into `twilio-run start` by npm start (node --require). twilio-run has no host option and
// calls server.listen(port), which Node binds to every interface (:: or 0.0.0.0). Behind npm start's
// front door the functions must be reachable from this machine only, so a listen given a port and no
// host binds 127.0.0.1 instead. Listens given a host, a path or a handle are left alone.
const net = require('node:net');

const listen = net.Server.prototype.listen;
const isPort = (value) => typeof value === 'number' || (typeof value === 'string' && /^\d+$/.test(value));

net.Server.prototype.listen = function listenOnLoopback(...args) {
  const [first] = args;
  if (isPort(first) && typeof args[1] !== 'string') args.splice(1, 0, '127.0.0.1');
  else if (first && typeof first === 'object' && isPort(first.port) && first.host === undefined && first.path === undefined)
    args[0] = { ...first, host: '127.0.0.1' };
  return listen.apply(this, args);
};
