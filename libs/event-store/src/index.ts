export { eventStoreDdl } from './schema/event-store-ddl.ts';
