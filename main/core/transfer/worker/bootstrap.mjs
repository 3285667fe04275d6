// Starts the TypeScript worker from source (tests and the CLI run under tsx). The Electron
// build passes its bundled worker file to createTransferService({ workerFile }) instead.
import { register } from 'tsx/esm/api';

register();
const m = await import(new URL('./index.ts', import.meta.url).href);
export default m.default;
