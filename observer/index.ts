// erlsock/observer: the live observer page (observer.start) and its data.
export { start } from './server';
export type { Observer, ObserverOpts } from './server';
export { snapshot, process_detail, set_state_reader, SystemSampler } from './snapshot';
export type { StateReader, Snapshot, ProcessRow, SocketRow, SystemRow } from './snapshot';
