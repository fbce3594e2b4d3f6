// The command registry. To add a command, write ./<name>.ts exporting a Command and list it here.
import type { Command } from '../command.js';
import { importCommand } from './import.js';
import { infoCommand } from './info.js';
import { jobsCommand } from './jobs.js';
import { ledgerCommand } from './ledger.js';
import { listCommand } from './list.js';
import { loginCommand } from './login.js';
import { publishCommand } from './publish.js';
import { scoreCommand } from './score.js';
import { searchCommand } from './search.js';
import { transcodeCommand } from './transcode.js';
import { updateCommand } from './update.js';

export const commands: Command[] = [importCommand, listCommand, searchCommand, transcodeCommand, jobsCommand, infoCommand, scoreCommand, ledgerCommand, loginCommand, publishCommand, updateCommand];
