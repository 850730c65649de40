/** Entry point of the `paperboy` command (see program.ts). */
import { main } from './program.js';

await main(process.argv);
