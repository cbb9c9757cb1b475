import { DispatchModule } from '../../dispatch/src/dispatch.module';

/** Every app's feature modules, run together in one process by `npm start`. */
export const allFeatures = [DispatchModule];
