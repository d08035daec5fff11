// erlsock/observer: the live observer page (observer.start) and its data.
import { fast_exports } from '../runtime/fast_exports';
export { start } from './server';
export type { Observer, ObserverOpts } from './server';
export { snapshot, process_detail, set_state_reader, SystemSampler } from './snapshot';
export type { StateReader, Snapshot, ProcessRow, SocketRow, SystemRow } from './snapshot';

// Re-exports leave this module's exports in V8's dictionary mode: see runtime/fast_exports.
fast_exports(module.exports as object);
