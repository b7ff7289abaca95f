// A socket detector: every outbound connection, listening server and DNS lookup of this worker,
// recorded from the moment the setup file loads (before MSW and the code under test).
import dns from 'node:dns'
import net from 'node:net'

export const opened = []
const connect = net.Socket.prototype.connect
net.Socket.prototype.connect = function (...args) {
  opened.push(`connect ${JSON.stringify(args[0])}`)
  return connect.apply(this, args)
}
const listen = net.Server.prototype.listen
net.Server.prototype.listen = function (...args) {
  opened.push(`listen ${JSON.stringify(args[0])}`)
  return listen.apply(this, args)
}
for (const api of [dns, dns.promises]) {
  const lookup = api.lookup
  api.lookup = function (host, ...rest) {
    opened.push(`dns ${host}`)
    return lookup.call(this, host, ...rest)
  }
}
