/**
 * Consumer mail domains: an attendee on one of these says nothing about which company they
 * belong to, so account matching ignores them.
 */
export const freeMailDomains = new Set([
  'gmail.com', 'googlemail.com', 'outlook.com', 'hotmail.com', 'hotmail.it', 'hotmail.fr', 'live.com', 'msn.com',
  'yahoo.com', 'yahoo.it', 'yahoo.fr', 'yahoo.co.uk', 'ymail.com', 'icloud.com', 'me.com', 'mac.com', 'aol.com',
  'proton.me', 'protonmail.com', 'gmx.com', 'gmx.de', 'gmx.net', 'web.de', 'mail.com', 'zoho.com', 'yandex.com',
  'yandex.ru', 'libero.it', 'virgilio.it', 'tiscali.it', 'orange.fr', 'free.fr', 'laposte.net', 'qq.com', '163.com',
  'fastmail.com', 'hey.com', 'pm.me',
]);

export function isFreeMailDomain(domain: string): boolean {
  return freeMailDomains.has(domain.toLowerCase());
}
