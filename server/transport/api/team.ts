import { Router } from 'express';
import type { ApiDeps } from './index';

/** Placeholder: the routes of this resource are being written. */
export function createTeamRouter(_deps: ApiDeps): Router {
  return Router();
}
