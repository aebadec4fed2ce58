import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { journeyState } from '../../workflows/messages';
import { providers } from '../support/database';
import { http, startTestSystem, type TestSystem } from '../support/system';

describe.each(providers)('lead intake on %s', (provider) => {
  let system: TestSystem;
  beforeAll(async () => {
    system = await startTestSystem(provider);
  });
  afterAll(async () => {
    await system?.stop();
  });

  const post = (body: unknown, headers?: Record<string, string>) => http(`${system.url}/api/leads`, { body, headers });
  const leadCount = () => system.database.db.lead.count();

  it('when a new lead is posted, then it is stored and its journey runs in Temporal', async () => {
    const created = await post({ email: 'Ada.Lovelace@Analytical.io', firstName: 'Ada', company: 'Analytical', source: 'events', sourceDetails: { event: 'SaaStr' }, attributes: { employees: 1200 } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ status: 'created', submissions: 1 });
    expect(created.headers.get('location')).toBe(`/api/leads/${created.body.id}`);

    const shown = await http(`${system.url}/api/leads/${created.body.id}`);
    expect(shown.status).toBe(200);
    expect(shown.body).toMatchObject({
      id: created.body.id,
      email: 'ada.lovelace@analytical.io',
      firstName: 'Ada',
      company: 'Analytical',
      source: 'events',
      sourceDetails: { event: 'SaaStr' },
      attributes: { employees: 1200 },
      stage: 'new',
      journey: { status: 'live', stage: 'new', submissions: 1 },
      stageEvents: [{ fromStage: null, toStage: 'new', reason: 'captured from events' }],
    });

    const description = await system.temporal.workflow.getHandle(created.body.journeyId).describe();
    expect(description.status.name).toBe('RUNNING');
    expect(description.type).toBe('leadJourney');
    expect(description.taskQueue).toBe(system.config.temporal.taskQueue);
  });

  it('when the same person submits again with a differently written email, then it merges into the one journey', async () => {
    const first = await post({ email: 'grace@navy.mil', source: 'content', title: 'Engineer' });
    const again = await post({ email: '  GRACE+webinar@Navy.MIL ', source: 'ads', title: 'Rear Admiral' });
    expect(first.status).toBe(201);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ id: first.body.id, journeyId: first.body.journeyId, status: 'merged', submissions: 2 });

    const shown = await http(`${system.url}/api/leads/${first.body.id}`);
    expect(shown.body).toMatchObject({ title: 'Rear Admiral', source: 'content', journey: { submissions: 2 } });
    expect(shown.body.interactions.map((interaction: { kind: string }) => interaction.kind)).toEqual(['submission', 'resubmission']);
  });

  it('when ten submissions of one lead arrive concurrently, then exactly one lead and one journey exist', async () => {
    const before = await leadCount();
    const responses = await Promise.all(Array.from({ length: 10 }, (_, i) => post({ email: 'race@concurrency.dev', source: 'social', attributes: { attempt: i } })));
    expect(responses.map((response) => response.status).sort()).toEqual([200, 200, 200, 200, 200, 200, 200, 200, 200, 201]);
    expect(new Set(responses.map((response) => response.body.id)).size).toBe(1);
    expect(await leadCount()).toBe(before + 1);

    const leadId = responses[0]!.body.id as string;
    expect(await system.database.db.interaction.count({ where: { leadId } })).toBe(10);
    const state = await system.temporal.workflow.getHandle(responses[0]!.body.journeyId).query(journeyState);
    expect(state.submissions).toBe(10);
    const runs = system.temporal.workflow.list({ query: `WorkflowId = '${responses[0]!.body.journeyId}'` });
    let count = 0;
    for await (const _ of runs) count++;
    expect(count).toBe(1);
  });

  it('when a client retries with the same Idempotency-Key, then the submission is recorded once', async () => {
    const headers = { 'Idempotency-Key': 'form-fill-7f3a9c21' };
    const first = await post({ email: 'retry@example.org', source: 'ads' }, headers);
    const retry = await post({ email: 'retry@example.org', source: 'ads' }, headers);
    expect(first.status).toBe(201);
    expect(retry.body.id).toBe(first.body.id);
    expect(retry.body.submissions).toBe(1);
    expect(await system.database.db.interaction.count({ where: { leadId: first.body.id } })).toBe(1);
  });

  it.each([
    ['a missing email', { source: 'events' }, [{ path: 'email', message: 'is required' }]],
    ['an invalid email', { email: 'not-an-email', source: 'events' }, [{ path: 'email', message: 'must be a valid email address' }]],
    ['an unknown source', { email: 'x@y.io', source: 'billboard' }, [{ path: 'source', message: expect.stringContaining('must be one of: events, content, ads') }]],
    ['an unknown field', { email: 'x@y.io', source: 'ads', emial: 'typo' }, [{ path: '(body)', message: 'unknown field(s): emial' }]],
    ['a bad country and attribute', { email: 'x@y.io', source: 'ads', country: 'Germany', attributes: { employees: [1] } }, [
      { path: 'country', message: expect.stringContaining('two-letter') },
      { path: 'attributes.employees', message: expect.stringContaining('strings, numbers or booleans') },
    ]],
  ])('when the lead has %s, then 400 with field-level messages and nothing is created', async (_case, body, fields) => {
    const before = await leadCount();
    const response = await post(body);
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('validation_failed');
    expect(response.body.error.fields).toEqual(fields);
    expect(await leadCount()).toBe(before);
  });

  it('when the body is malformed JSON, then 400 malformed_json and nothing is created', async () => {
    const before = await leadCount();
    const response = await http(`${system.url}/api/leads`, { rawBody: '{"email": "a@b.c", ' });
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('malformed_json');
    expect(await leadCount()).toBe(before);
  });

  it('when an unknown or malformed lead id is requested, then 404', async () => {
    expect((await http(`${system.url}/api/leads/ld_AAAAAAAAAAAAAAAAAAAAAA`)).status).toBe(404);
    const malformed = await http(`${system.url}/api/leads/42`);
    expect(malformed.status).toBe(404);
    expect(malformed.body.error.code).toBe('not_found');
  });

  it('when health is requested, then Temporal, the database and the rules report up', async () => {
    const response = await http(`${system.url}/health`);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ status: 'ok', checks: { temporal: { status: 'up' }, database: { status: 'up' }, rules: { status: 'up' } } });
  });

  it('when the OpenAPI document is requested, then it describes intake with its validation', async () => {
    const response = await http(`${system.url}/openapi.json`);
    expect(response.status).toBe(200);
    expect(response.body.openapi).toBe('3.1.0');
    const schema = response.body.paths['/api/leads'].post.requestBody.content['application/json'].schema;
    expect(schema.required).toEqual(expect.arrayContaining(['email', 'source']));
    expect(schema.properties.source.enum).toEqual(['events', 'content', 'ads', 'partner-referral', 'customer-referral', 'social', 'cold-outreach']);
    expect(Object.keys(response.body.paths)).toEqual(expect.arrayContaining(['/api/leads', '/api/leads/{id}', '/health']));
  });
});
