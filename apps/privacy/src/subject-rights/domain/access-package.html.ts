import type { AccessPackage, PackageSection } from './access-package';

const CATEGORY_TITLES: Record<PackageSection['category'], string> = {
  'identity-contact': 'Your identity and contact details',
  'delivery-address': 'Delivery addresses',
  'order-history': 'Your orders',
  'payment-records': 'Payments',
  shipments: 'Shipments',
  'events-history': 'The history of events about you',
  'subject-rights-requests': 'Your requests to us about your data',
};

/** Every value is text in the page, never markup: the data is the customer's own input. */
function escape(value: string): string {
  return value
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

function valueText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value, null, 2);
}

function table(headers: readonly string[], rows: readonly (readonly unknown[])[]): string {
  if (rows.length === 0) return '<p>None.</p>';
  const head = headers.map((h) => `<th>${escape(h)}</th>`).join('');
  const body = rows
    .map(
      (row) =>
        `<tr>${row.map((cell) => `<td><pre>${escape(valueText(cell))}</pre></td>`).join('')}</tr>`,
    )
    .join('\n');
  return `<table><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;
}

function section(s: PackageSection): string {
  const retention =
    'trigger' in s.retention
      ? `${valueText(s.retention.period)} after ${s.retention.trigger}, then ${s.retention.action} (${s.retention.basis})`
      : `category ${s.retention.category}: ${s.retention.period}`;
  const items = table(
    ['Record', 'Recorded', 'Data', 'No longer readable'],
    s.items.map((item) => [
      item.orderId === undefined ? item.itemId : `${item.itemId} (order ${item.orderId})`,
      item.recordedAt,
      item.data,
      item.unreadableFields.join(', '),
    ]),
  );
  return `<section>
<h2>${escape(CATEGORY_TITLES[s.category])} <small>held by ${escape(s.heldBy)}</small></h2>
<dl>
<dt>Why we hold it</dt><dd>${escape(s.purposes.join('; '))}</dd>
<dt>Lawful basis</dt><dd>${escape(s.legalBasis)}</dd>
<dt>How long we keep it</dt><dd>${escape(retention)}</dd>
<dt>Where it came from</dt><dd>${escape(s.source)}</dd>
</dl>
${items}
</section>`;
}

/** The package as a page a person reads; the JSON is the same content for machines. */
export function renderAccessPackageHtml(pkg: AccessPackage): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="robots" content="noindex">
<title>Your personal data: request ${escape(pkg.requestId)}</title>
<style>
body{font-family:system-ui,sans-serif;max-width:70rem;margin:2rem auto;padding:0 1rem;color:#222}
table{border-collapse:collapse;width:100%;margin:.5rem 0 1.5rem}td,th{border:1px solid #ccc;padding:.3rem;text-align:left;vertical-align:top}
pre{margin:0;white-space:pre-wrap;font:inherit}small{color:#666;font-weight:normal}dt{font-weight:bold}
</style>
</head>
<body>
<h1>Your personal data</h1>
<p>Request ${escape(pkg.requestId)}, received ${escape(pkg.receivedAt)}, identity confirmed ${escape(pkg.identityVerifiedAt)},
due by ${escape(pkg.dueOn)}. Prepared ${escape(pkg.generatedAt)}; this page is available until ${escape(pkg.availableUntil)}.</p>
${pkg.sections.map(section).join('\n')}
<section>
<h2>Who received your data</h2>
${table(
  ['When', 'Recipient', 'What', 'Why', 'Record'],
  pkg.recipients.map((r) => [
    r.at,
    r.name === undefined ? r.recipient : `${r.recipient} (${r.name})`,
    r.fields.join(', '),
    r.purpose,
    r.orderId === undefined ? r.itemId : `order ${r.orderId}`,
  ]),
)}
</section>
<section>
<h2>Disclosures to authorities</h2>
${table(
  ['When', 'Requested by', 'Legal basis', 'What', 'Record'],
  pkg.disclosures.map((d) => [
    d.disclosedAt,
    d.requestingBody,
    d.legalBasis,
    d.scope.join(', '),
    d.orderId === undefined ? d.subject : `order ${d.orderId}`,
  ]),
)}
</section>
<section>
<h2>The privacy policy you accepted with each order</h2>
${table(
  ['Order', 'Placed', 'Policy version'],
  pkg.policyVersions.map((p) => [p.orderId, p.placedAt, p.policyVersion]),
)}
</section>
<section>
<h2>When our staff looked at your data</h2>
${table(
  ['When', 'Role', 'Why', 'What', 'Where'],
  pkg.staffAccess.map((a) => [a.at, a.role, a.purpose, a.what, a.heldBy]),
)}
</section>
<section>
<h2>Your rights</h2>
<ul>${pkg.yourRights.map((r) => `<li>${escape(r)}</li>`).join('')}</ul>
<p>Automated decisions: ${escape(pkg.automatedDecisionMaking)}</p>
<p>Transfers: ${escape(pkg.transfersOutsideTheUk)}</p>
</section>
<section>
<h2>Which services answered</h2>
${table(
  ['Service', 'Answered', 'Records'],
  pkg.answers.map((a) => [a.service, a.answeredAt, a.recordCount]),
)}
</section>
</body>
</html>
`;
}
