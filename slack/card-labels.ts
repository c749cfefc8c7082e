import type { ActionKind, MeetingStatus } from '../domain/meeting';

/** The statuses the card states in a line of its own; the others speak through the actions. */
export type StatusWithLine = Exclude<MeetingStatus, 'awaiting-rep' | 'working' | 'needs-attention'>;

/**
 * Every word the follow-up card and the nudge show a rep, in the languages the rep's Slack
 * locale may ask for; English for any other locale. Texts taking values are functions, so word
 * order can follow each language. Values (titles, names, messages) arrive already escaped.
 */
export interface CardLabels {
  header(title: string): string;
  externalAttendees(count: number): string;
  draftedByClaude(promptVersion: string): string;
  offlineDraft: string;
  status: Record<StatusWithLine, string>;
  preparationFailed: string;
  retry: string;
  processAnyway: string;
  summary: string;
  nextSteps: string;
  techStack: string;
  painPoints: string;
  impact: string;
  roadblocks: string;
  emailDraft: string;
  noCrmConnected: string;
  searchAccounts: string;
  crmAccount: string;
  chosenByYou: string;
  matchPercent(percent: number): string;
  pickAccount: string;
  severalAccountsMatch: string;
  noAccountMatched: string;
  actions: Record<ActionKind, string>;
  actionWorking(action: string): string;
  actionFailed(action: string, reason: string): string;
  actionDismissed(action: string): string;
  invitationsNoneSent: string;
  noteLoggedHere: string;
  done: string;
  unknownError: string;
  logToCrm: string;
  createDraft: string;
  scheduleFollowUp: string;
  sendInvitations: string;
  skipInvitations: string;
  deal: string;
  crmTask: string;
  edit: string;
  dismiss: string;
  notification(title: string, status: string): string;
  ready: string;
  nudge(repMention: string, title: string): string;
}

const en: CardLabels = {
  header: (title) => `Follow-up: ${title}`,
  externalAttendees: (count) => (count === 1 ? '1 external attendee' : `${count} external attendees`),
  draftedByClaude: (version) => `Drafted by Claude (${version})`,
  offlineDraft: 'Offline draft — not AI-written',
  status: {
    preparing: '⏳ Preparing your follow-up… (transcript, summary, CRM match)',
    'skipped-internal': 'ℹ️ Only internal attendees: nothing was sent to the CRM.',
    completed: '✅ All done for this meeting.',
    dismissed: '🗑️ Dismissed.',
    expired: '⌛ Expired: this follow-up was left untouched and is now closed.',
    cancelled: '⛔ Closed: the app was removed from this workspace.',
  },
  preparationFailed: 'Could not prepare the follow-up:',
  retry: 'Retry',
  processAnyway: 'Process anyway',
  summary: 'Summary',
  nextSteps: 'Next steps',
  techStack: 'Tech stack',
  painPoints: 'Pain points',
  impact: 'Impact',
  roadblocks: 'Roadblocks',
  emailDraft: 'Email draft',
  noCrmConnected: '🔌 *No CRM connected.* Connect one in the app’s Home tab to log notes.',
  searchAccounts: 'Search CRM accounts',
  crmAccount: 'CRM account:',
  chosenByYou: 'chosen by you',
  matchPercent: (percent) => `${percent}% match`,
  pickAccount: 'Pick the account',
  severalAccountsMatch: '🤔 *Several CRM accounts match this meeting.* Which one is it?',
  noAccountMatched: '🔎 *No CRM account matched this meeting.* Search for it:',
  actions: { note: 'CRM note', draft: 'Gmail draft', event: 'Follow-up meeting', task: 'CRM task', deal: 'Deal update', invitations: 'Invitations' },
  actionWorking: (action) => `${action}: working on it…`,
  actionFailed: (action, reason) => `${action} failed: ${reason}`,
  actionDismissed: (action) => `${action}: dismissed`,
  invitationsNoneSent: 'Invitations: none sent',
  noteLoggedHere: 'the note is logged here, so the task and deal go here too.',
  done: 'done',
  unknownError: 'unknown error',
  logToCrm: 'Log to CRM',
  createDraft: 'Create Gmail draft',
  scheduleFollowUp: 'Schedule follow-up',
  sendInvitations: 'Send invitations',
  skipInvitations: 'Done, no invitations',
  deal: 'Deal',
  crmTask: 'CRM task',
  edit: 'Edit',
  dismiss: 'Dismiss',
  notification: (title, status) => `Follow-up for ${title}: ${status}`,
  ready: 'ready',
  nudge: (rep, title) => `⏰ ${rep}, the follow-up for “${title}” is still waiting for you: log the note, create the draft or dismiss it.`,
};

const it: CardLabels = {
  header: (title) => `Follow-up: ${title}`,
  externalAttendees: (count) => (count === 1 ? '1 partecipante esterno' : `${count} partecipanti esterni`),
  draftedByClaude: (version) => `Scritto da Claude (${version})`,
  offlineDraft: 'Bozza offline — non scritta dall’IA',
  status: {
    preparing: '⏳ Sto preparando il follow-up… (trascrizione, riepilogo, abbinamento CRM)',
    'skipped-internal': 'ℹ️ Solo partecipanti interni: nulla è stato inviato al CRM.',
    completed: '✅ Tutto fatto per questa riunione.',
    dismissed: '🗑️ Ignorato.',
    expired: '⌛ Scaduto: questo follow-up è rimasto in sospeso ed è ora chiuso.',
    cancelled: '⛔ Chiuso: l’app è stata rimossa da questo workspace.',
  },
  preparationFailed: 'Impossibile preparare il follow-up:',
  retry: 'Riprova',
  processAnyway: 'Elabora comunque',
  summary: 'Riepilogo',
  nextSteps: 'Prossimi passi',
  techStack: 'Stack tecnologico',
  painPoints: 'Criticità',
  impact: 'Impatto',
  roadblocks: 'Ostacoli',
  emailDraft: 'Bozza dell’email',
  noCrmConnected: '🔌 *Nessun CRM collegato.* Collegane uno nella scheda Home dell’app per registrare le note.',
  searchAccounts: 'Cerca account nel CRM',
  crmAccount: 'Account CRM:',
  chosenByYou: 'scelto da te',
  matchPercent: (percent) => `corrispondenza ${percent}%`,
  pickAccount: 'Scegli l’account',
  severalAccountsMatch: '🤔 *Più account CRM corrispondono a questa riunione.* Qual è quello giusto?',
  noAccountMatched: '🔎 *Nessun account CRM corrisponde a questa riunione.* Cercalo:',
  actions: { note: 'Nota CRM', draft: 'Bozza Gmail', event: 'Riunione di follow-up', task: 'Attività CRM', deal: 'Aggiornamento trattativa', invitations: 'Inviti' },
  actionWorking: (action) => `${action}: in corso…`,
  actionFailed: (action, reason) => `${action}: errore — ${reason}`,
  actionDismissed: (action) => `${action}: ignorato`,
  invitationsNoneSent: 'Inviti: nessuno inviato',
  noteLoggedHere: 'la nota è registrata qui, quindi anche attività e trattativa andranno qui.',
  done: 'fatto',
  unknownError: 'errore sconosciuto',
  logToCrm: 'Registra nel CRM',
  createDraft: 'Crea bozza Gmail',
  scheduleFollowUp: 'Pianifica follow-up',
  sendInvitations: 'Invia inviti',
  skipInvitations: 'Fatto, senza inviti',
  deal: 'Trattativa',
  crmTask: 'Attività CRM',
  edit: 'Modifica',
  dismiss: 'Ignora',
  notification: (title, status) => `Follow-up per ${title}: ${status}`,
  ready: 'pronto',
  nudge: (rep, title) => `⏰ ${rep}, il follow-up di “${title}” ti aspetta ancora: registra la nota, crea la bozza o ignoralo.`,
};

const es: CardLabels = {
  header: (title) => `Seguimiento: ${title}`,
  externalAttendees: (count) => (count === 1 ? '1 asistente externo' : `${count} asistentes externos`),
  draftedByClaude: (version) => `Redactado por Claude (${version})`,
  offlineDraft: 'Borrador sin conexión — no escrito por IA',
  status: {
    preparing: '⏳ Preparando tu seguimiento… (transcripción, resumen, coincidencia en el CRM)',
    'skipped-internal': 'ℹ️ Solo asistentes internos: no se envió nada al CRM.',
    completed: '✅ Todo listo para esta reunión.',
    dismissed: '🗑️ Descartado.',
    expired: '⌛ Caducado: este seguimiento quedó sin atender y ahora está cerrado.',
    cancelled: '⛔ Cerrado: la app se eliminó de este espacio de trabajo.',
  },
  preparationFailed: 'No se pudo preparar el seguimiento:',
  retry: 'Reintentar',
  processAnyway: 'Procesar de todos modos',
  summary: 'Resumen',
  nextSteps: 'Próximos pasos',
  techStack: 'Stack tecnológico',
  painPoints: 'Puntos de dolor',
  impact: 'Impacto',
  roadblocks: 'Obstáculos',
  emailDraft: 'Borrador de correo',
  noCrmConnected: '🔌 *No hay ningún CRM conectado.* Conecta uno en la pestaña Inicio de la app para registrar notas.',
  searchAccounts: 'Buscar cuentas del CRM',
  crmAccount: 'Cuenta del CRM:',
  chosenByYou: 'elegida por ti',
  matchPercent: (percent) => `${percent}% de coincidencia`,
  pickAccount: 'Elige la cuenta',
  severalAccountsMatch: '🤔 *Varias cuentas del CRM coinciden con esta reunión.* ¿Cuál es?',
  noAccountMatched: '🔎 *Ninguna cuenta del CRM coincide con esta reunión.* Búscala:',
  actions: { note: 'Nota en el CRM', draft: 'Borrador de Gmail', event: 'Reunión de seguimiento', task: 'Tarea del CRM', deal: 'Actualización de la oportunidad', invitations: 'Invitaciones' },
  actionWorking: (action) => `${action}: en curso…`,
  actionFailed: (action, reason) => `${action}: error — ${reason}`,
  actionDismissed: (action) => `${action}: descartado`,
  invitationsNoneSent: 'Invitaciones: ninguna enviada',
  noteLoggedHere: 'la nota está registrada aquí, así que la tarea y la oportunidad también irán aquí.',
  done: 'hecho',
  unknownError: 'error desconocido',
  logToCrm: 'Registrar en el CRM',
  createDraft: 'Crear borrador de Gmail',
  scheduleFollowUp: 'Programar seguimiento',
  sendInvitations: 'Enviar invitaciones',
  skipInvitations: 'Listo, sin invitaciones',
  deal: 'Oportunidad',
  crmTask: 'Tarea del CRM',
  edit: 'Editar',
  dismiss: 'Descartar',
  notification: (title, status) => `Seguimiento de ${title}: ${status}`,
  ready: 'listo',
  nudge: (rep, title) => `⏰ ${rep}, el seguimiento de “${title}” sigue esperándote: registra la nota, crea el borrador o descártalo.`,
};

const fr: CardLabels = {
  header: (title) => `Suivi : ${title}`,
  externalAttendees: (count) => (count <= 1 ? `${count} participant externe` : `${count} participants externes`),
  draftedByClaude: (version) => `Rédigé par Claude (${version})`,
  offlineDraft: 'Brouillon hors ligne — non rédigé par l’IA',
  status: {
    preparing: '⏳ Préparation de votre suivi… (transcription, résumé, correspondance CRM)',
    'skipped-internal': 'ℹ️ Participants internes uniquement : rien n’a été envoyé au CRM.',
    completed: '✅ Tout est fait pour cette réunion.',
    dismissed: '🗑️ Ignoré.',
    expired: '⌛ Expiré : ce suivi est resté sans réponse et il est maintenant fermé.',
    cancelled: '⛔ Fermé : l’app a été retirée de cet espace de travail.',
  },
  preparationFailed: 'Impossible de préparer le suivi :',
  retry: 'Réessayer',
  processAnyway: 'Traiter quand même',
  summary: 'Résumé',
  nextSteps: 'Prochaines étapes',
  techStack: 'Stack technique',
  painPoints: 'Points de friction',
  impact: 'Impact',
  roadblocks: 'Obstacles',
  emailDraft: 'Brouillon d’e-mail',
  noCrmConnected: '🔌 *Aucun CRM connecté.* Connectez-en un dans l’onglet Accueil de l’app pour enregistrer les notes.',
  searchAccounts: 'Rechercher des comptes CRM',
  crmAccount: 'Compte CRM :',
  chosenByYou: 'choisi par vous',
  matchPercent: (percent) => `correspondance ${percent} %`,
  pickAccount: 'Choisissez le compte',
  severalAccountsMatch: '🤔 *Plusieurs comptes CRM correspondent à cette réunion.* Lequel est-ce ?',
  noAccountMatched: '🔎 *Aucun compte CRM ne correspond à cette réunion.* Recherchez-le :',
  actions: { note: 'Note CRM', draft: 'Brouillon Gmail', event: 'Réunion de suivi', task: 'Tâche CRM', deal: 'Mise à jour de l’opportunité', invitations: 'Invitations' },
  actionWorking: (action) => `${action} : en cours…`,
  actionFailed: (action, reason) => `${action} : échec — ${reason}`,
  actionDismissed: (action) => `${action} : ignoré`,
  invitationsNoneSent: 'Invitations : aucune envoyée',
  noteLoggedHere: 'la note est enregistrée ici : la tâche et l’affaire iront ici aussi.',
  done: 'fait',
  unknownError: 'erreur inconnue',
  logToCrm: 'Enregistrer dans le CRM',
  createDraft: 'Créer un brouillon Gmail',
  scheduleFollowUp: 'Planifier le suivi',
  sendInvitations: 'Envoyer les invitations',
  skipInvitations: 'Terminé, sans invitations',
  deal: 'Opportunité',
  crmTask: 'Tâche CRM',
  edit: 'Modifier',
  dismiss: 'Ignorer',
  notification: (title, status) => `Suivi de ${title} : ${status}`,
  ready: 'prêt',
  nudge: (rep, title) => `⏰ ${rep}, le suivi de « ${title} » vous attend toujours : enregistrez la note, créez le brouillon ou ignorez-le.`,
};

const de: CardLabels = {
  header: (title) => `Follow-up: ${title}`,
  externalAttendees: (count) => (count === 1 ? '1 externe Person' : `${count} externe Teilnehmende`),
  draftedByClaude: (version) => `Entworfen von Claude (${version})`,
  offlineDraft: 'Offline-Entwurf — nicht von KI geschrieben',
  status: {
    preparing: '⏳ Dein Follow-up wird vorbereitet… (Transkript, Zusammenfassung, CRM-Abgleich)',
    'skipped-internal': 'ℹ️ Nur interne Teilnehmende: Es wurde nichts ans CRM gesendet.',
    completed: '✅ Alles erledigt für dieses Meeting.',
    dismissed: '🗑️ Verworfen.',
    expired: '⌛ Abgelaufen: Dieses Follow-up blieb unbearbeitet und ist jetzt geschlossen.',
    cancelled: '⛔ Geschlossen: Die App wurde aus diesem Workspace entfernt.',
  },
  preparationFailed: 'Das Follow-up konnte nicht vorbereitet werden:',
  retry: 'Erneut versuchen',
  processAnyway: 'Trotzdem verarbeiten',
  summary: 'Zusammenfassung',
  nextSteps: 'Nächste Schritte',
  techStack: 'Tech-Stack',
  painPoints: 'Pain Points',
  impact: 'Auswirkung',
  roadblocks: 'Hindernisse',
  emailDraft: 'E-Mail-Entwurf',
  noCrmConnected: '🔌 *Kein CRM verbunden.* Verbinde eins im Home-Tab der App, um Notizen zu speichern.',
  searchAccounts: 'CRM-Accounts suchen',
  crmAccount: 'CRM-Account:',
  chosenByYou: 'von dir gewählt',
  matchPercent: (percent) => `${percent} % Übereinstimmung`,
  pickAccount: 'Account auswählen',
  severalAccountsMatch: '🤔 *Mehrere CRM-Accounts passen zu diesem Meeting.* Welcher ist es?',
  noAccountMatched: '🔎 *Kein CRM-Account passt zu diesem Meeting.* Such danach:',
  actions: { note: 'CRM-Notiz', draft: 'Gmail-Entwurf', event: 'Folgetermin', task: 'CRM-Aufgabe', deal: 'Deal-Update', invitations: 'Einladungen' },
  actionWorking: (action) => `${action}: wird bearbeitet…`,
  actionFailed: (action, reason) => `${action} fehlgeschlagen: ${reason}`,
  actionDismissed: (action) => `${action}: verworfen`,
  invitationsNoneSent: 'Einladungen: keine gesendet',
  noteLoggedHere: 'die Notiz ist hier erfasst, daher gehen Aufgabe und Deal auch hierhin.',
  done: 'erledigt',
  unknownError: 'unbekannter Fehler',
  logToCrm: 'Im CRM speichern',
  createDraft: 'Gmail-Entwurf erstellen',
  scheduleFollowUp: 'Folgetermin planen',
  sendInvitations: 'Einladungen senden',
  skipInvitations: 'Fertig, ohne Einladungen',
  deal: 'Deal',
  crmTask: 'CRM-Aufgabe',
  edit: 'Bearbeiten',
  dismiss: 'Verwerfen',
  notification: (title, status) => `Follow-up für ${title}: ${status}`,
  ready: 'bereit',
  nudge: (rep, title) => `⏰ ${rep}, das Follow-up für „${title}“ wartet noch auf dich: speichere die Notiz, erstelle den Entwurf oder verwirf es.`,
};

const pt: CardLabels = {
  header: (title) => `Acompanhamento: ${title}`,
  externalAttendees: (count) => (count === 1 ? '1 participante externo' : `${count} participantes externos`),
  draftedByClaude: (version) => `Redigido pelo Claude (${version})`,
  offlineDraft: 'Rascunho offline — não escrito por IA',
  status: {
    preparing: '⏳ Preparando seu acompanhamento… (transcrição, resumo, correspondência no CRM)',
    'skipped-internal': 'ℹ️ Apenas participantes internos: nada foi enviado ao CRM.',
    completed: '✅ Tudo pronto para esta reunião.',
    dismissed: '🗑️ Descartado.',
    expired: '⌛ Expirado: este acompanhamento ficou sem ação e agora está fechado.',
    cancelled: '⛔ Fechado: o app foi removido deste workspace.',
  },
  preparationFailed: 'Não foi possível preparar o acompanhamento:',
  retry: 'Tentar novamente',
  processAnyway: 'Processar mesmo assim',
  summary: 'Resumo',
  nextSteps: 'Próximos passos',
  techStack: 'Stack tecnológico',
  painPoints: 'Dores',
  impact: 'Impacto',
  roadblocks: 'Obstáculos',
  emailDraft: 'Rascunho de e-mail',
  noCrmConnected: '🔌 *Nenhum CRM conectado.* Conecte um na aba Início do app para registrar notas.',
  searchAccounts: 'Buscar contas no CRM',
  crmAccount: 'Conta no CRM:',
  chosenByYou: 'escolhida por você',
  matchPercent: (percent) => `${percent}% de correspondência`,
  pickAccount: 'Escolha a conta',
  severalAccountsMatch: '🤔 *Várias contas do CRM correspondem a esta reunião.* Qual é?',
  noAccountMatched: '🔎 *Nenhuma conta do CRM corresponde a esta reunião.* Procure por ela:',
  actions: { note: 'Nota no CRM', draft: 'Rascunho no Gmail', event: 'Reunião de acompanhamento', task: 'Tarefa no CRM', deal: 'Atualização do negócio', invitations: 'Convites' },
  actionWorking: (action) => `${action}: em andamento…`,
  actionFailed: (action, reason) => `${action}: falhou — ${reason}`,
  actionDismissed: (action) => `${action}: descartado`,
  invitationsNoneSent: 'Convites: nenhum enviado',
  noteLoggedHere: 'a nota está registrada aqui, então a tarefa e o negócio também vão para cá.',
  done: 'feito',
  unknownError: 'erro desconhecido',
  logToCrm: 'Registrar no CRM',
  createDraft: 'Criar rascunho no Gmail',
  scheduleFollowUp: 'Agendar acompanhamento',
  sendInvitations: 'Enviar convites',
  skipInvitations: 'Concluído, sem convites',
  deal: 'Negócio',
  crmTask: 'Tarefa no CRM',
  edit: 'Editar',
  dismiss: 'Descartar',
  notification: (title, status) => `Acompanhamento de ${title}: ${status}`,
  ready: 'pronto',
  nudge: (rep, title) => `⏰ ${rep}, o acompanhamento de “${title}” ainda está esperando por você: registre a nota, crie o rascunho ou descarte-o.`,
};

const byLanguage: Record<string, CardLabels> = { en, it, es, fr, de, pt };

/** The labels for a Slack locale such as `it-IT` or `pt-BR` (by its language); English for any other or none. */
export function cardLabels(locale: string | null | undefined): CardLabels {
  const language = (locale ?? '').split(/[-_]/)[0]!.toLowerCase();
  return byLanguage[language] ?? en;
}
