/**
 * Size and format limits every follow-up draft obeys, whoever wrote it (Claude or the offline
 * drafter). They keep drafts inside Slack blocks, CRM note fields and a readable email, and the
 * email HTML inside what Gmail renders consistently (b, br, p, ul, li).
 */
import type { WrittenFollowUp } from './follow-up-writer';

export const followUpLimits = {
  summaryChars: 600,
  nextSteps: 6,
  nextStepChars: 300,
  insightChars: 1000,
  emailSubjectChars: 120,
  emailWords: 200,
  crmNoteChars: 3000,
  followUpPhraseChars: 200,
} as const;

/** The written content of a draft, without who wrote it. */
export type FollowUpContent = Omit<WrittenFollowUp, 'generator' | 'model' | 'promptVersion' | 'tokensUsed'>;

const ellipsis = '…';

/** Cuts at the last word boundary that fits, marking the cut; short texts come back unchanged. */
export function truncateAtWord(text: string, maxChars: number): string {
  const trimmed = text.trim();
  if (trimmed.length <= maxChars) return trimmed;
  const room = trimmed.slice(0, maxChars - ellipsis.length + 1);
  const lastSpace = room.search(/\s\S*$/);
  // A single enormous "word" (a URL, say) is cut mid-word rather than dropped entirely.
  const cut = lastSpace > maxChars / 2 ? room.slice(0, lastSpace) : room.slice(0, maxChars - ellipsis.length);
  return `${cut.trimEnd()}${ellipsis}`;
}

/** One line of plain text: subjects and list items must not carry line breaks into Slack or Gmail. */
function singleLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const allowedEmailTags = new Set(['b', 'br', 'p', 'ul', 'li']);
/** Close relatives mapped onto the allowed set so their meaning survives. */
const emailTagAliases: Record<string, string> = { strong: 'b', ol: 'ul' };
const htmlToken = /<!--[\s\S]*?-->|<(\/?)([a-zA-Z][a-zA-Z0-9]*)\b[^>]*>|[^<]+|</g;
const bareAmpersand = /&(?![a-zA-Z][a-zA-Z0-9]*;|#\d+;|#x[0-9a-fA-F]+;)/g;

function escapeText(text: string): string {
  return text.replace(bareAmpersand, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Words as a reader counts them: tags separate words and are not words themselves. */
export function countEmailWords(html: string): number {
  return html.replace(/<[^>]*>/g, ' ').match(/\S+/g)?.length ?? 0;
}

/**
 * Keeps only b, br, p, ul, li (no attributes), drops script/style with their content and every
 * other tag but its text, escapes stray markup characters, balances the tags, and stops after
 * `maxWords` words with an ellipsis, closing whatever is still open.
 */
export function sanitizeEmailHtml(html: string, maxWords: number = followUpLimits.emailWords): string {
  const withoutScripts = html.replace(/<(script|style)\b[\s\S]*?<\/\1\s*>/gi, '');
  const open: string[] = [];
  let output = '';
  let words = 0;
  for (const [token, closing, rawName] of withoutScripts.matchAll(htmlToken)) {
    if (token.startsWith('<!--')) continue;
    if (rawName === undefined) {
      const text = token === '<' ? '&lt;' : escapeText(token);
      const textWords = text.match(/\S+/g) ?? [];
      if (words + textWords.length <= maxWords) {
        output += text;
        words += textWords.length;
        continue;
      }
      const kept = textWords.slice(0, maxWords - words).join(' ');
      output += `${/^\s/.test(text) && kept ? ' ' : ''}${kept}${ellipsis}`;
      break;
    }
    const lowerName = rawName.toLowerCase();
    const name = emailTagAliases[lowerName] ?? lowerName;
    if (!allowedEmailTags.has(name)) continue;
    if (name === 'br') {
      if (!closing) output += '<br>';
    } else if (!closing) {
      open.push(name);
      output += `<${name}>`;
    } else if (open.includes(name)) {
      // Closing an outer tag closes everything opened inside it, as browsers do.
      while (open.length > 0) {
        const last = open.pop()!;
        output += `</${last}>`;
        if (last === name) break;
      }
    }
  }
  while (open.length > 0) output += `</${open.pop()!}>`;
  return output.trim();
}

/** Applies every limit; used on Claude's tool input and on the offline drafter's output alike. */
export function enforceFollowUpLimits(content: FollowUpContent): FollowUpContent {
  const { insights, followUp } = content;
  const phrase = followUp.phrase === undefined ? '' : singleLine(followUp.phrase);
  return {
    summary: truncateAtWord(content.summary, followUpLimits.summaryChars),
    nextSteps: content.nextSteps
      .map(singleLine)
      .filter((step) => step.length > 0)
      .slice(0, followUpLimits.nextSteps)
      .map((step) => truncateAtWord(step, followUpLimits.nextStepChars)),
    insights: {
      techStack: truncateAtWord(insights.techStack, followUpLimits.insightChars),
      painPoints: truncateAtWord(insights.painPoints, followUpLimits.insightChars),
      impact: truncateAtWord(insights.impact, followUpLimits.insightChars),
      nextSteps: truncateAtWord(insights.nextSteps, followUpLimits.insightChars),
      roadblocks: truncateAtWord(insights.roadblocks, followUpLimits.insightChars),
    },
    emailSubject: truncateAtWord(singleLine(content.emailSubject), followUpLimits.emailSubjectChars),
    emailHtml: sanitizeEmailHtml(content.emailHtml, followUpLimits.emailWords),
    crmNote: truncateAtWord(content.crmNote, followUpLimits.crmNoteChars),
    // A date without an agreement would schedule a meeting nobody agreed to.
    followUp: followUp.agreed
      ? {
          agreed: true,
          ...(followUp.localDateTime ? { localDateTime: followUp.localDateTime } : {}),
          ...(phrase ? { phrase: truncateAtWord(phrase, followUpLimits.followUpPhraseChars) } : {}),
        }
      : { agreed: false },
    language: content.language,
  };
}
