import type { Command } from 'commander';
import type { FieldMapping } from '@tl/core';

/** Which fields of a JSONL record (or CSV/TSV column) hold the text, the pair text and the label. */
export interface FieldFlags {
  textField: string;
  textPairField?: string;
  labelField: string;
}

/** Adds `--text-field`, `--text-pair-field`, `--label-field`: one definition for every command that reads labelled data. */
export function addFieldOptions(command: Command): Command {
  return command
    .option('--text-field <name>', 'field holding the text', 'text')
    .option('--text-pair-field <name>', 'field holding the second text of a pair')
    .option('--label-field <name>', 'field holding the label (class index or name)', 'label');
}

/** The flags as core's `loadDataset` takes them. */
export function fieldsFromFlags(f: FieldFlags): FieldMapping {
  return { textField: f.textField, textPairField: f.textPairField, labelField: f.labelField };
}
