import type { ActionKind, MeetingStatus } from '../domain/meeting';

/** The statuses the card states in a line of its own; the others speak through the actions. */
export type StatusWithLine = Exclude<MeetingStatus, 'awaiting-rep' | 'working' | 'needs-attention'>;

/**
 * Every word the follow-up card, the nudge and the undelivered-card notice show a rep, in the
 * languages the rep's Slack locale may ask for; English for any other locale. Texts taking values
 * are functions, so word order can follow each language. Values (titles, names, messages) arrive already escaped.
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
  /** Slack did not take the card: its token is dead; `posted` says whether it was the update that failed. */
  cardUndeliveredReconnect(title: string, posted: boolean): string;
  /** Slack is failing or throttling for a while: we keep trying. */
  cardUndeliveredRetrying(title: string, posted: boolean): string;
  /** Slack refused the card for another reason, given as a sentence (`reason`). */
  cardUndeliveredRefused(title: string, posted: boolean, reason: string): string;
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
  cardUndeliveredReconnect: (title, posted) =>
    `⚠️ I couldn’t ${posted ? 'update' : 'post'} the follow-up card for “${title}”: Slack no longer accepts this app’s token. Ask a workspace admin to reinstall the app; the meeting is kept and listed under “Needs attention” until then.`,
  cardUndeliveredRetrying: (title, posted) =>
    `⚠️ Slack is not taking my messages right now, so I couldn’t ${posted ? 'update' : 'post'} the follow-up card for “${title}”. I’ll keep trying on my own; nothing is lost, and the card will show the latest state once Slack answers again.`,
  cardUndeliveredRefused: (title, posted, reason) =>
    `⚠️ Slack refused to ${posted ? 'update' : 'post'} the follow-up card for “${title}”: ${reason} The meeting is listed under “Needs attention” so an admin can look into it.`,
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
  cardUndeliveredReconnect: (title, posted) =>
    `⚠️ Non sono riuscito a ${posted ? 'aggiornare' : 'pubblicare'} la scheda di follow-up di “${title}”: Slack non accetta più il token di questa app. Chiedi a un amministratore del workspace di reinstallare l’app; la riunione resta salvata ed elencata in “Needs attention” (nella Home dell’app) fino ad allora.`,
  cardUndeliveredRetrying: (title, posted) =>
    `⚠️ Slack non accetta i miei messaggi in questo momento, quindi non sono riuscito a ${posted ? 'aggiornare' : 'pubblicare'} la scheda di follow-up di “${title}”. Continuerò a riprovare da solo; non si perde nulla e la scheda mostrerà lo stato più recente appena Slack risponde.`,
  cardUndeliveredRefused: (title, posted, reason) =>
    `⚠️ Slack ha rifiutato di ${posted ? 'aggiornare' : 'pubblicare'} la scheda di follow-up di “${title}”: ${reason} La riunione è elencata in “Needs attention” (nella Home dell’app) perché un amministratore possa verificarla.`,
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
  cardUndeliveredReconnect: (title, posted) =>
    `⚠️ No pude ${posted ? 'actualizar' : 'publicar'} la tarjeta de seguimiento de “${title}”: Slack ya no acepta el token de esta app. Pide a un administrador del espacio de trabajo que reinstale la app; la reunión se conserva y aparece en “Needs attention” (en la Home de la app) hasta entonces.`,
  cardUndeliveredRetrying: (title, posted) =>
    `⚠️ Slack no está aceptando mis mensajes ahora mismo, así que no pude ${posted ? 'actualizar' : 'publicar'} la tarjeta de seguimiento de “${title}”. Seguiré intentándolo por mi cuenta; no se pierde nada y la tarjeta mostrará el estado más reciente cuando Slack vuelva a responder.`,
  cardUndeliveredRefused: (title, posted, reason) =>
    `⚠️ Slack se negó a ${posted ? 'actualizar' : 'publicar'} la tarjeta de seguimiento de “${title}”: ${reason} La reunión aparece en “Needs attention” (en la Home de la app) para que un administrador la revise.`,
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
  cardUndeliveredReconnect: (title, posted) =>
    `⚠️ Je n’ai pas pu ${posted ? 'mettre à jour' : 'publier'} la carte de suivi de « ${title} » : Slack n’accepte plus le jeton de cette app. Demandez à un administrateur de l’espace de travail de réinstaller l’app ; la réunion est conservée et listée dans « Needs attention » (dans l’accueil de l’app) d’ici là.`,
  cardUndeliveredRetrying: (title, posted) =>
    `⚠️ Slack n’accepte pas mes messages pour le moment, je n’ai donc pas pu ${posted ? 'mettre à jour' : 'publier'} la carte de suivi de « ${title} ». Je continue d’essayer de mon côté ; rien n’est perdu, et la carte affichera le dernier état dès que Slack répondra.`,
  cardUndeliveredRefused: (title, posted, reason) =>
    `⚠️ Slack a refusé de ${posted ? 'mettre à jour' : 'publier'} la carte de suivi de « ${title} » : ${reason} La réunion est listée dans « Needs attention » (dans l’accueil de l’app) pour qu’un administrateur l’examine.`,
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
  cardUndeliveredReconnect: (title, posted) =>
    `⚠️ Ich konnte die Follow-up-Karte für „${title}“ nicht ${posted ? 'aktualisieren' : 'posten'}: Slack akzeptiert das Token dieser App nicht mehr. Bitte einen Workspace-Admin, die App neu zu installieren; das Meeting bleibt gespeichert und steht bis dahin unter „Needs attention“ (in der App-Startseite).`,
  cardUndeliveredRetrying: (title, posted) =>
    `⚠️ Slack nimmt meine Nachrichten gerade nicht an, daher konnte ich die Follow-up-Karte für „${title}“ nicht ${posted ? 'aktualisieren' : 'posten'}. Ich versuche es selbst weiter; nichts geht verloren, und die Karte zeigt den neuesten Stand, sobald Slack wieder antwortet.`,
  cardUndeliveredRefused: (title, posted, reason) =>
    `⚠️ Slack hat abgelehnt, die Follow-up-Karte für „${title}“ zu ${posted ? 'aktualisieren' : 'posten'}: ${reason} Das Meeting steht unter „Needs attention“ (in der App-Startseite), damit ein Admin es prüfen kann.`,
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
  cardUndeliveredReconnect: (title, posted) =>
    `⚠️ Não consegui ${posted ? 'atualizar' : 'publicar'} o cartão de acompanhamento de “${title}”: o Slack não aceita mais o token deste app. Peça a um administrador do workspace para reinstalar o app; a reunião fica guardada e listada em “Needs attention” (na Home do app) até lá.`,
  cardUndeliveredRetrying: (title, posted) =>
    `⚠️ O Slack não está aceitando minhas mensagens agora, então não consegui ${posted ? 'atualizar' : 'publicar'} o cartão de acompanhamento de “${title}”. Vou continuar tentando sozinho; nada se perde, e o cartão mostrará o estado mais recente quando o Slack responder de novo.`,
  cardUndeliveredRefused: (title, posted, reason) =>
    `⚠️ O Slack recusou ${posted ? 'atualizar' : 'publicar'} o cartão de acompanhamento de “${title}”: ${reason} A reunião está listada em “Needs attention” (na Home do app) para que um administrador verifique.`,
};

const byLanguage: Record<string, CardLabels> = { en, it, es, fr, de, pt };

/** The labels for a Slack locale such as `it-IT` or `pt-BR` (by its language); English for any other or none. */
export function cardLabels(locale: string | null | undefined): CardLabels {
  const language = (locale ?? '').split(/[-_]/)[0]!.toLowerCase();
  return byLanguage[language] ?? en;
}
