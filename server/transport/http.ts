/**
 * Express routes: health, metrics, login, current user, and the start page.
 * Every request body is validated with zod; every error is `{ error: { code, message } }`.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import path from 'node:path';
import express, { type NextFunction, type Request, type Response } from 'express';
import helmet from 'helmet';
import cors from 'cors';
import type { LoginResponse, MeResponse, TooManyAttemptsError } from '../../shared/rest';
import type { AuthService } from '../domain/auth';
import { AppError, toErrorBody } from '../errors';
import type { Logger } from '../logger';
import type { ServerMetrics } from '../metrics';
import type { RateLimiter } from '../store/rate-limit';
import { createAssetRouter } from './assets';
import { bearerToken, requireUser, userView, type AuthedLocals } from './rest';
import { loginSchema } from './schemas';
import { renderStartPage } from './start-page';
import { DEMO_CSS, DEMO_JS, renderDemoPage } from './demo-page';

export interface HttpDeps {
  auth: AuthService;
  limiter: RateLimiter;
  logger: Logger;
  metrics: ServerMetrics;
  corsOrigins: string[];
  /** Failed logins per client IP in a 60 s window; successful ones do not count. */
  loginPerMinute: number;
  /** Failed logins per account (normalised email, known or not) in a window of `loginAccountWindowMs`. */
  loginFailuresPerAccount: number;
  loginAccountWindowMs: number;
  /** Resource routers mounted under /api/v1. */
  routers?: { path: string; router: express.Router }[];
  /** Where the build wrote widget.js and console/ (with their .br and .gz twins). @default path.resolve('dist') */
  assetsDir?: string;
  /**
   * When set, GET /metrics requires `Authorization: Bearer <metricsToken>`.
   * @default undefined: /metrics is public
   */
  metricsToken?: string;
  /** Reports backend health for /healthz. */
  health(): Promise<Record<string, string>>;
}

/** TOO_MANY_ATTEMPTS with the seconds to wait (the route sets them in `Retry-After` as well). */
class TooManyAttempts extends AppError {
  constructor(readonly retryAfterSeconds: number) {
    super('TOO_MANY_ATTEMPTS');
    this.name = 'TooManyAttempts';
  }

  override toBody(): TooManyAttemptsError {
    return { code: 'TOO_MANY_ATTEMPTS', message: this.message, retryAfterSeconds: this.retryAfterSeconds };
  }
}

export function createHttpApp(deps: HttpDeps) {
  const { auth, limiter, metrics } = deps;
  const log = deps.logger.child({ module: 'http' });
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.use(helmet());
  app.use(cors({ origin: deps.corsOrigins.length ? deps.corsOrigins : false }));
  // Large enough for a maximal FAQ entry in Chinese (about 31 KB), small enough to refuse floods.
  app.use(express.json({ limit: '64kb' }));

  // Async route errors reach the error handler (Express 5 forwards rejected promises).
  const fail = (code: ConstructorParameters<typeof AppError>[0], message?: string) => {
    throw new AppError(code, message);
  };

  app.get('/', (_req, res) => {
    res.type('html').send(renderDemoPage());
  });
  app.get('/demo.css', (_req, res) => {
    res.type('css').send(DEMO_CSS);
  });
  app.get('/demo.js', (_req, res) => {
    res.type('js').send(DEMO_JS);
  });
  app.get('/server', (_req, res) => {
    res.type('html').send(renderStartPage());
  });

  // The widget and the console's files, precompressed by the build (server/transport/assets.ts).
  app.use(createAssetRouter({ dir: deps.assetsDir ?? path.resolve('dist'), logger: deps.logger }));

  app.get('/healthz', async (_req, res) => {
    try {
      res.json({ status: 'ok', ...(await deps.health()) });
    } catch (err) {
      log.error({ err }, 'health check failed');
      res.status(503).json({ status: 'unavailable' });
    }
  });

  // Digests of equal length, so the comparison takes the same time whatever the token's length.
  const digest = (s: string) => createHash('sha256').update(s).digest();
  const metricsDigest = deps.metricsToken === undefined ? undefined : digest(deps.metricsToken);
  app.get('/metrics', async (req, res) => {
    if (metricsDigest && !timingSafeEqual(digest(bearerToken(req)), metricsDigest)) {
      res.set('WWW-Authenticate', 'Bearer realm="metrics"');
      fail('UNAUTHENTICATED');
    }
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });

  const api = express.Router();

  // Only failed logins count, per account and per client IP, so an office behind one address signs in
  // freely while guessing is bounded however the guesser spreads it. Each attempt reserves its place
  // on both counters before the password is verified (argon2 takes a while, and parallel guesses
  // counted afterwards would all pass the limit), and gives it back when it succeeds: a locked
  // account is refused even with the right password, without running argon2. The account key is a
  // digest of the normalised email (no address in Redis keys) and counts unknown emails too, so
  // probing them is limited like guessing.
  const loginKeys = (email: string, ip: string | undefined) => [
    { key: `login-fail:acct:${createHash('sha256').update(email.trim().toLowerCase()).digest('base64url')}`, limit: deps.loginFailuresPerAccount, windowMs: deps.loginAccountWindowMs },
    { key: `login-fail:ip:${ip ?? 'unknown'}`, limit: deps.loginPerMinute, windowMs: 60_000 },
  ];

  api.post('/auth/login', async (req, res) => {
    const parsed = loginSchema.safeParse(req.body);
    if (!parsed.success) fail('VALIDATION_FAILED', parsed.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
    const { email, password } = parsed.data!;
    const keys = loginKeys(email, req.ip);
    const reserved = await limiter.reserve(keys);
    if (!reserved.ok) {
      // 0 ms: attempts still being verified filled the limit; they settle within a second.
      const seconds = Math.max(1, Math.ceil(reserved.retryInMs / 1000));
      res.set('Retry-After', String(seconds));
      throw new TooManyAttempts(seconds);
    }
    let session;
    try {
      session = await auth.login(email, password);
    } catch (err) {
      const failed = err instanceof AppError && err.code === 'INVALID_CREDENTIALS';
      await limiter.settle(keys, failed);
      if (failed) log.info({ ip: req.ip }, 'login failed');
      throw err;
    }
    // Settled before the answer, so the client's next request finds the place given back.
    await limiter.settle(keys, false);
    const { token, expiresIn, user } = session;
    res.json({ token, expiresIn, user: userView(user) } satisfies LoginResponse);
  });

  api.get('/me', requireUser(auth), (_req, res: Response<unknown, AuthedLocals>) => {
    res.json({ user: userView(res.locals.user) } satisfies MeResponse);
  });

  // Resource routers (team, conversations, canned replies, FAQ) mount here.
  for (const mount of deps.routers ?? []) api.use(mount.path, mount.router);

  api.use((_req, _res, next) => next(new AppError('NOT_FOUND')));
  app.use('/api/v1', api);

  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    // Malformed JSON and oversize bodies come from the body parser as http errors.
    const status = (err as { status?: number; type?: string }).status;
    let body = toErrorBody(err);
    if (!(err instanceof AppError) && status && status < 500) {
      body = status === 413
        ? { code: 'VALIDATION_FAILED', message: 'Request body is too large' }
        : { code: 'VALIDATION_FAILED', message: 'Request body is not valid JSON' };
    }
    if (body.code === 'INTERNAL') log.error({ err }, 'request failed');
    metrics.rejected.inc({ code: body.code });
    const httpStatus = err instanceof AppError ? err.status : status && status < 500 ? status : 500;
    res.status(httpStatus).json({ error: body });
  });

  return app;
}
