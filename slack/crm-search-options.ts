import type { PlainTextOption } from '@slack/types';
import { blockKitLimits, option } from './block-kit';

/** What an external select's options load is answered with. */
export interface OptionsAnswer {
  options: PlainTextOption[];
}

/** Nothing to offer: the select shows its own "no results". */
export const noOptions: OptionsAnswer = { options: [] };

/**
 * CRM records found by a search, as a select lists them. An id too long for an option's value is
 * left out: cut short, it would name another record, or none.
 */
export function crmSearchOptions(records: readonly { id: string; name: string }[]): OptionsAnswer {
  return {
    options: records
      .filter((record) => record.id.length <= blockKitLimits.optionValue)
      .slice(0, blockKitLimits.options)
      .map((record) => option(record.name, record.id)),
  };
}
