import assert from 'node:assert/strict';
import { actionKinds, type ActionKind, type ActionState, type FollowUpDraft, type MeetingState } from '../../domain/meeting';
import { cardLabels } from '../../slack/card-labels';
import { renderMeetingCard } from '../../slack/meeting-card';
import { nudgeText } from '../../slack/nudge-message';

const draft: FollowUpDraft = {
  summary: 'Client Inc wants a pilot.',
  nextSteps: ['Send the proposal'],
  insights: { techStack: 'Postgres', painPoints: 'Manual CRM entry', impact: '5 hours a week', nextSteps: 'Proposal', roadblocks: 'Budget approval' },
  emailSubject: 'Our pilot',
  emailHtml: '<p>Thanks for the call.</p>',
  crmNote: 'Pilot requested.',
  followUp: { agreed: false },
  language: 'en',
  generator: 'claude',
  model: 'claude-test',
  promptVersion: 'v2',
  revision: 1,
};

function awaitingRep(): MeetingState {
  return {
    tenantId: 't1',
    recordingId: '123',
    repSlackUserId: 'U0REP',
    status: 'awaiting-rep',
    draftRevision: 1,
    crm: { provider: null, capabilities: [] },
    // Matched (nothing found) while no CRM is connected: the card says so.
    account: { verdict: 'none', candidates: [] },
    actions: Object.fromEntries(actionKinds.map((kind) => [kind, { status: 'idle', attempts: 0 }])) as Record<ActionKind, ActionState>,
    offeredActions: ['note', 'draft', 'event'],
    nudged: false,
  };
}

function cardFor(locale: string | null): { blocks: string; buttons: string[] } {
  const card = renderMeetingCard({ state: awaitingRep(), draft, title: 'Pilot call', startedAt: new Date('2026-07-01T08:00:00Z'), timeZone: 'Europe/Rome', locale, externalAttendees: ['john@client.com'] });
  const buttons = card.blocks.flatMap((block) => (block.type === 'actions' ? block.elements.map((element) => (element.type === 'button' ? element.text.text : '')) : []));
  return { blocks: JSON.stringify(card.blocks), buttons };
}

describe('the card in the rep’s Slack language', () => {
  it('shows an it-IT rep Italian labels and buttons', () => {
    const { blocks, buttons } = cardFor('it-IT');
    assert.deepEqual(buttons, ['Crea bozza Gmail', 'Pianifica follow-up', 'Modifica', 'Ignora']);
    for (const italian of ['*Riepilogo*', '*Prossimi passi*', '*Bozza dell’email*', '1 partecipante esterno', 'Nessun CRM collegato', '2026-07-01 10:00 (Europe/Rome)']) {
      assert.ok(blocks.includes(italian), `${italian} in ${blocks}`);
    }
    assert.doesNotMatch(blocks, /Summary|Next steps|Create Gmail draft|No CRM connected/);
  });

  it('speaks each offered language by the locale’s language, and English for any other or none', () => {
    assert.deepEqual(cardFor('es-ES').buttons, ['Crear borrador de Gmail', 'Programar seguimiento', 'Editar', 'Descartar']);
    assert.deepEqual(cardFor('fr-FR').buttons, ['Créer un brouillon Gmail', 'Planifier le suivi', 'Modifier', 'Ignorer']);
    assert.deepEqual(cardFor('de-DE').buttons, ['Gmail-Entwurf erstellen', 'Folgetermin planen', 'Bearbeiten', 'Verwerfen']);
    assert.deepEqual(cardFor('pt-BR').buttons, ['Criar rascunho no Gmail', 'Agendar acompanhamento', 'Editar', 'Descartar']);
    const english = ['Create Gmail draft', 'Schedule follow-up', 'Edit', 'Dismiss'];
    assert.deepEqual(cardFor('ja-JP').buttons, english);
    assert.deepEqual(cardFor(null).buttons, english);
    assert.equal(cardLabels('IT').edit, 'Modifica', 'a bare, upper-case language tag still counts');
  });

  it('nudges in the rep’s language', () => {
    assert.match(nudgeText('U0REP', 'Pilot call', 'it-IT'), /^⏰ <@U0REP>, il follow-up di “Pilot call” ti aspetta ancora/);
    assert.match(nudgeText('U0REP', 'Pilot call', null), /is still waiting for you/);
  });
});
