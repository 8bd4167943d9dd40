import { conversationsRoutes } from './conversations';
import { flexRoutes } from './flex';
import { iamRoutes } from './iam';
import type { ApiRoute } from './route';
import { serverlessRoutes } from './serverless';
import { syncRoutes } from './sync';
import { taskrouterRoutes } from './taskrouter';

/** Every Twilio operation the emulator serves, product by product; the emulator-only routes are in admin.ts. */
export const apiRoutes: ApiRoute[] = [
  ...flexRoutes,
  ...conversationsRoutes,
  ...taskrouterRoutes,
  ...iamRoutes,
  ...serverlessRoutes,
  ...syncRoutes,
];
