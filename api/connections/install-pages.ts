/**
 * The few HTML pages a browser sees during a Slack install. Self-contained (no scripts, no
 * external assets) and served with a CSP that forbids anything else; every dynamic value is escaped.
 */
export const installPageSecurityHeaders = {
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};

export function installedPage(options: { workspaceName: string; openSlackUrl: string | null; reinstalled: boolean }): string {
  const link = options.openSlackUrl ? `<p><a href="${escapeHtml(options.openSlackUrl)}">Open Slack</a></p>` : '';
  return page(
    options.reinstalled ? 'Reinstalled' : 'Installed',
    `<h1>✅ Follow-up is ${options.reinstalled ? 'back' : 'installed'} in ${escapeHtml(options.workspaceName)}</h1>
<p>In Slack, type <code>/followup</code> to pick one of your recorded meetings, or open the app’s Home tab to see your connections.</p>
${link}`,
  );
}

export function installProblemPage(options: { title: string; message: string; retryUrl?: string }): string {
  const retry = options.retryUrl ? `<p><a href="${escapeHtml(options.retryUrl)}">Start the installation again</a></p>` : '';
  return page(options.title, `<h1>${escapeHtml(options.title)}</h1>\n<p>${escapeHtml(options.message)}</p>\n${retry}`);
}

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · Meeting follow-up</title>
<style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem;line-height:1.5}</style>
</head>
<body>
${body}
</body>
</html>
`;
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}
