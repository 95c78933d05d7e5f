// A minimal SMTP server on loopback for the end-to-end tests: Parley sends its email here
// (plain SMTP, no authentication), and the tests read what arrived over HTTP:
// GET /messages?to=<address> → [{from, to, data}] (the raw message, quoted-printable decoded).
import net from 'node:net';
import http from 'node:http';

const smtpPort = Number(process.env.SMTP_SINK_PORT ?? 3125);
const httpPort = Number(process.env.SMTP_SINK_HTTP_PORT ?? 3126);
const messages = [];

function address(line) {
  const m = /<([^>]*)>/.exec(line);
  return (m ? m[1] : line.split(':')[1] ?? '').trim().toLowerCase();
}

function decodeQuotedPrintable(text) {
  return text
    .replace(/=\r?\n/g, '')
    .replace(/=([0-9A-F]{2})/g, (_, hex) => String.fromCharCode(parseInt(hex, 16)));
}

net
  .createServer((socket) => {
    let buffer = '';
    let inData = false;
    let data = [];
    let from = '';
    let to = [];
    socket.write('220 smtp-sink ESMTP\r\n');
    socket.on('data', (chunk) => {
      buffer += chunk.toString('latin1');
      let index;
      while ((index = buffer.indexOf('\r\n')) >= 0) {
        const line = buffer.slice(0, index);
        buffer = buffer.slice(index + 2);
        if (inData) {
          if (line === '.') {
            inData = false;
            const raw = Buffer.from(data.join('\n'), 'latin1').toString('utf8');
            messages.push({ from, to, data: decodeQuotedPrintable(raw), at: Date.now() });
            data = [];
            to = [];
            socket.write('250 queued\r\n');
          } else {
            data.push(line.startsWith('..') ? line.slice(1) : line);
          }
          continue;
        }
        const upper = line.toUpperCase();
        if (upper.startsWith('EHLO') || upper.startsWith('HELO')) {
          socket.write('250-smtp-sink\r\n250 8BITMIME\r\n');
        } else if (upper.startsWith('MAIL FROM:')) {
          from = address(line);
          socket.write('250 OK\r\n');
        } else if (upper.startsWith('RCPT TO:')) {
          to.push(address(line));
          socket.write('250 OK\r\n');
        } else if (upper === 'DATA') {
          inData = true;
          socket.write('354 go ahead\r\n');
        } else if (upper === 'QUIT') {
          socket.end('221 bye\r\n');
        } else {
          socket.write('250 OK\r\n');
        }
      }
    });
    socket.on('error', () => {});
  })
  .listen(smtpPort, '127.0.0.1');

http
  .createServer((req, res) => {
    const url = new URL(req.url, `http://127.0.0.1:${httpPort}`);
    const to = (url.searchParams.get('to') ?? '').toLowerCase();
    const found = messages.filter((m) => !to || m.to.includes(to));
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(found));
  })
  .listen(httpPort, '127.0.0.1');
