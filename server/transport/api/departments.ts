/**
 * /api/v1/departments: every signed-in user lists them (the transfer dialog offers them);
 * a lead creates, renames and deletes them. An agent's membership is set under
 * /api/v1/users/:id/departments (team.ts).
 */
import { Router } from 'express';
import { z } from 'zod';
import type * as rest from '../../../shared/rest';
import { parse, requireUser } from '../rest';
import { text } from '../text';
import type { ApiDeps } from './index';

export const departmentName = text(60, { trim: true, min: 1 });
const bodySchema = z.object({ name: departmentName }).strict();
const idParam = text(64, { min: 1 });

export function createDepartmentsRouter(deps: ApiDeps): Router {
  const { departments } = deps;
  const lead = requireUser(deps.auth, ['lead']);
  const router = Router();

  router.get('/', requireUser(deps.auth), async (_req, res) => {
    res.json({ departments: await departments.list() } satisfies rest.DepartmentsResponse);
  });

  router.post('/', lead, async (req, res) => {
    const { name } = parse(bodySchema, req.body);
    res.status(201).json({ department: await departments.create(name) } satisfies rest.DepartmentResponse);
  });

  router.patch('/:id', lead, async (req, res) => {
    const { name } = parse(bodySchema, req.body);
    res.json({ department: await departments.rename(parse(idParam, req.params.id), name) } satisfies rest.DepartmentResponse);
  });

  router.delete('/:id', lead, async (req, res) => {
    await departments.remove(parse(idParam, req.params.id));
    res.status(204).end();
  });

  return router;
}
