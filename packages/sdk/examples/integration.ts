// A small integration on @fanz/sdk (the seed's example, adapted): read a creator's profile, public catalog
// and revenue insights with an API key, read the balance when the key has read:finance, and verify webhook deliveries
// on a local HTTP endpoint. Run it against a server:
//
//   FANZ_BASE_URL=http://localhost:4000 FANZ_API_KEY=fanz_sk_... FANZ_CREATOR=alice \
//   FANZ_WEBHOOK_SECRET=whsec_... npm run example -w @fanz/sdk
//
// It prints one JSON line per step, so a script (or the SDK's example test) can check what it saw.
import { createServer } from 'node:http';
import { FanzError, FanzSDK } from '../src/index.js';

const env = process.env;
const fanz = new FanzSDK({
  apiKey: env.FANZ_API_KEY,
  baseUrl: env.FANZ_BASE_URL ?? 'http://localhost:4000',
  timeout: 10_000,
  retries: 2,
  webhookSecret: env.FANZ_WEBHOOK_SECRET,
});
const out = (step: string, value: unknown) => console.log(JSON.stringify({ step, value }));

const creator = await fanz.creators.get(env.FANZ_CREATOR ?? 'alice');
out('creator', { id: creator.id, username: creator.username, displayName: creator.displayName });

const catalog = await fanz.content.list(creator.id);
out('catalog', { posts: catalog.posts.length, tiers: catalog.tiers.length });

// The creator's last 7 days of revenue (the key needs read:analytics), e.g. for a dashboard.
try {
  const insights = await fanz.analytics.getCreatorInsights({ creator_id: creator.id, date_range: 'last_7_days', metrics: ['revenue'] });
  out('insights', { revenue: insights.revenue_analytics?.total_revenue, sources: insights.revenue_analytics?.top_revenue_sources.map((x) => x.source) });
} catch (err) {
  if (!(err instanceof FanzError)) throw err;
  out('insights-refused', { code: err.code, status: err.status, requestId: err.requestId });
}

try {
  const balance = await fanz.payments.balance();
  out('balance', balance);
} catch (err) {
  // A key without read:finance gets FORBIDDEN; the error says which scope is missing and the request id.
  if (!(err instanceof FanzError)) throw err;
  out('balance-refused', { code: err.code, status: err.status, requestId: err.requestId });
}

// With FANZ_WEBHOOK_PORT set, listen for deliveries and print each verified event (until FANZ_WEBHOOK_COUNT).
if (env.FANZ_WEBHOOK_PORT) {
  let left = Number(env.FANZ_WEBHOOK_COUNT ?? 1);
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', async () => {
      try {
        const event = await fanz.webhooks.verify<{ type: string }>(body, req.headers);
        out('webhook', { type: event.type, id: req.headers['webhook-id'] });
        res.writeHead(204).end();
      } catch (err) {
        out('webhook-refused', { message: (err as Error).message });
        res.writeHead(400).end();
        return;
      }
      if (--left <= 0) server.close();
    });
  });
  server.listen(Number(env.FANZ_WEBHOOK_PORT), '127.0.0.1', () => out('listening', { port: (server.address() as { port: number }).port }));
}
