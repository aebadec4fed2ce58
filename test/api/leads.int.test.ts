import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { journeyState } from '../../workflows/messages';
import { providers } from '../support/database';
import { http, startTestSystem, type TestSystem } from '../support/system';
import { eventually } from '../support/tcp-proxy';

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

  it('when a lead is posted with language zh-CN, then it is kept and shown; without one it is en; an unknown one is a 400', async () => {
    const chinese = await post({ email: 'li.hua@example.cn', source: 'events', language: 'zh-CN' });
    expect(chinese.status).toBe(201);
    expect((await http(`${system.url}/api/leads/${chinese.body.id}`)).body.language).toBe('zh-CN');
    const english = await post({ email: 'no.language@example.com', source: 'events' });
    expect((await http(`${system.url}/api/leads/${english.body.id}`)).body.language).toBe('en');
    expect(await post({ email: 'x@example.com', source: 'events', language: 'fr' })).toMatchObject({
      status: 400,
      body: { error: { fields: [{ path: 'language', message: 'must be one of: en, zh-CN' }] } },
    });
  });

  it('when a new lead is posted, then it is stored and its journey runs in Temporal', async () => {
    const created = await post({
      email: 'Ada.Lovelace@Analytical.io',
      firstName: 'Ada',
      company: 'Analytical',
      source: 'events',
      sourceDetails: { event: 'SaaStr' },
      attributes: { employees: 1200 },
    });
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
    expect(again.body).toMatchObject({
      id: first.body.id,
      journeyId: first.body.journeyId,
      status: 'merged',
      submissions: 2,
    });

    const shown = await http(`${system.url}/api/leads/${first.body.id}`);
    expect(shown.body).toMatchObject({ title: 'Rear Admiral', source: 'content', journey: { submissions: 2 } });
    expect(shown.body.interactions.map((interaction: { kind: string }) => interaction.kind)).toEqual([
      'submission',
      'resubmission',
    ]);
  });

  it('when ten submissions of one lead arrive concurrently, then exactly one lead and one journey exist', async () => {
    const before = await leadCount();
    const responses = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        post({ email: 'race@concurrency.dev', source: 'social', attributes: { attempt: i } }),
      ),
    );
    // Ten updates of one journey run one after another: each waits up to 10 s for its turn, and one
    // whose wait runs out on a loaded machine is a 202 (captured; the dispatcher finishes it), which
    // is the API's promise. The rest say merged (200), and at most one says created (201).
    const statuses = responses.map((response) => response.status);
    expect(
      statuses.every((status) => [200, 201, 202].includes(status)),
      String(statuses),
    ).toBe(true);
    const created = statuses.filter((status) => status === 201).length;
    expect(statuses.includes(202) ? created <= 1 : created === 1, String(statuses)).toBe(true);
    expect(new Set(responses.map((response) => response.body.id)).size).toBe(1);
    expect(await leadCount()).toBe(before + 1);

    const leadId = responses[0]!.body.id as string;
    expect(
      await eventually(async () => (await system.database.db.interaction.count({ where: { leadId } })) === 10, 60_000),
    ).toBe(true);
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

  it('when a lead is known only by an external id, then repeats merge by that id and a later email joins the same journey', async () => {
    const first = await post({
      externalId: 'crm-0042',
      firstName: 'Katherine',
      source: 'partner-referral',
      sourceDetails: { partner: 'Orbit' },
    });
    expect(first.status).toBe(201);
    const again = await post({ externalId: 'crm-0042', title: 'Mathematician', source: 'ads' });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ id: first.body.id, status: 'merged', submissions: 2 });

    const withEmail = await post({ externalId: 'crm-0042', email: 'K.Johnson@NASA.gov', source: 'content' });
    expect(withEmail.body).toMatchObject({ id: first.body.id, status: 'merged', submissions: 3 });
    const byEmailAlone = await post({ email: 'k.johnson@nasa.gov', source: 'social' });
    expect(byEmailAlone.body).toMatchObject({ id: first.body.id, status: 'merged', submissions: 4 });

    const shown = await http(`${system.url}/api/leads/${first.body.id}`);
    expect(shown.body).toMatchObject({
      externalId: 'crm-0042',
      email: 'k.johnson@nasa.gov',
      firstName: 'Katherine',
      title: 'Mathematician',
      source: 'partner-referral',
    });
  });

  it('when a lead first known by email later arrives with its CRM id, then the id attaches and the id alone finds the lead', async () => {
    const first = await post({ email: 'dorothy@vaughan.dev', source: 'events' });
    const withId = await post({ email: 'dorothy@vaughan.dev', externalId: 'sf:003XYZ', source: 'events' });
    const byId = await post({ externalId: 'sf:003XYZ', source: 'cold-outreach' });
    expect([withId.body.id, byId.body.id]).toEqual([first.body.id, first.body.id]);
    expect(byId.body).toMatchObject({ status: 'merged', submissions: 3 });
  });

  it('when an email and an external id point at two different leads, then 409 names both and nothing is merged', async () => {
    const byEmail = await post({ email: 'mary@jackson.dev', source: 'events' });
    const byId = await post({ externalId: 'crm-mj-2', source: 'events' });
    const before = await leadCount();
    const clash = await post({ email: 'mary@jackson.dev', externalId: 'crm-mj-2', source: 'ads' });
    expect(clash.status).toBe(409);
    expect(clash.body.error.code).toBe('conflict');
    expect(clash.body.error.message).toContain(byEmail.body.id);
    expect(clash.body.error.message).toContain(byId.body.id);
    expect(clash.body.error.fields).toEqual([{ path: 'externalId', message: expect.stringContaining(byId.body.id) }]);
    expect(await leadCount()).toBe(before);
    const shown = await http(`${system.url}/api/leads/${byEmail.body.id}`);
    expect(shown.body).toMatchObject({ externalId: null, journey: { submissions: 1 } });
  });

  it.each([
    [
      'neither an email nor an external id',
      { source: 'events' },
      [{ path: 'email', message: expect.stringContaining('is required unless externalId is given') }],
    ],
    [
      'a malformed external id',
      { externalId: 'has spaces in it', source: 'events' },
      [{ path: 'externalId', message: expect.stringContaining('letters, digits') }],
    ],
    [
      'an invalid email',
      { email: 'not-an-email', source: 'events' },
      [{ path: 'email', message: 'must be a valid email address' }],
    ],
    [
      'an unknown source',
      { email: 'x@y.io', source: 'billboard' },
      [{ path: 'source', message: expect.stringContaining('must be one of: events, content, ads') }],
    ],
    [
      'an unknown field',
      { email: 'x@y.io', source: 'ads', emial: 'typo' },
      [{ path: '(body)', message: 'unknown field(s): emial' }],
    ],
    [
      'a bad country and attribute',
      { email: 'x@y.io', source: 'ads', country: 'Germany', attributes: { tags: [1] } },
      [
        { path: 'country', message: expect.stringContaining('two-letter') },
        { path: 'attributes.tags', message: expect.stringContaining('strings, numbers (within ±2^53) or booleans') },
      ],
    ],
    ...[1.7976931348623157e308, -1, 0, 0.5, 2 ** 63, 10_000_001, '51-200'].map(
      (employees): [string, unknown, unknown] => [
        `employees: ${employees}`,
        { email: 'x@y.io', source: 'ads', attributes: { employees } },
        [
          {
            path: 'attributes.employees',
            message: 'must be the number of employees: a whole number from 1 to 10,000,000',
          },
        ],
      ],
    ),
    [
      'a number that JSON cannot carry exactly',
      { email: 'x@y.io', source: 'ads', attributes: { fleetSize: 2 ** 63 } },
      [{ path: 'attributes.fleetSize', message: 'must be between -9007199254740991 and 9007199254740991' }],
    ],
    [
      'an annual revenue below zero',
      { email: 'x@y.io', source: 'ads', attributes: { annualRevenue: -5 } },
      [
        {
          path: 'attributes.annualRevenue',
          message: 'must be the annual revenue: a number from 0 to 10,000,000,000,000',
        },
      ],
    ],
  ])('when the lead has %s, then 400 with field-level messages and nothing is created', async (_case, body, fields) => {
    const before = await leadCount();
    const response = await post(body);
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('validation_failed');
    expect(response.body.error.fields).toEqual(fields);
    expect(await leadCount()).toBe(before);
  });

  it('when the country is a well-formed code that ISO does not assign, then 422 names it and nothing is created', async () => {
    const before = await leadCount();
    const response = await post({ email: 'x@y.io', source: 'ads', country: 'xx' });
    expect(response.status).toBe(422);
    expect(response.body.error.fields).toEqual([
      { path: 'country', message: expect.stringContaining('"XX" is not an ISO 3166 country code') },
    ]);
    expect(await leadCount()).toBe(before);
  });

  it('when a form sends "uk", the code people write for the United Kingdom, then the lead is stored with ISO\'s GB', async () => {
    const created = await post({ email: 'rosalind@franklin.uk', source: 'events', country: 'uk' });
    expect(created.status).toBe(201);
    expect((await http(`${system.url}/api/leads/${created.body.id}`)).body.country).toBe('GB');
  });

  it('when the body is malformed JSON, then 400 malformed_json and nothing is created', async () => {
    const before = await leadCount();
    const response = await http(`${system.url}/api/leads`, { rawBody: '{"email": "a@b.c", ' });
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('malformed_json');
    expect(await leadCount()).toBe(before);
  });

  it.each([
    ['null', 'null'],
    ['42', 'a number'],
    ['"lead"', 'a string'],
  ])('when the body is %s, then 400 says it must be a JSON object', async (rawBody, kind) => {
    const before = await leadCount();
    const response = await http(`${system.url}/api/leads`, { rawBody });
    expect(response.status).toBe(400);
    expect(response.body.error).toEqual({
      code: 'validation_failed',
      message: `The request body must be a JSON object; it is ${kind}.`,
      fields: [{ path: '(body)', message: `must be a JSON object, not ${kind}` }],
    });
    expect(await leadCount()).toBe(before);
  });

  it('when employees is a whole number, or digits from a form, then it is stored as that number', async () => {
    const created = await post({ email: 'digits@example.com', source: 'ads', attributes: { employees: '2500' } });
    expect(created.status).toBe(201);
    const shown = await http(`${system.url}/api/leads/${created.body.id}`);
    expect(shown.body.attributes).toEqual({ employees: 2500 });
    const largest = await post({ email: 'largest@example.com', source: 'ads', attributes: { employees: 10_000_000 } });
    expect(largest.status).toBe(201);
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
    expect(response.body).toMatchObject({
      status: 'ok',
      checks: { temporal: { status: 'up' }, database: { status: 'up' }, rules: { status: 'up' } },
    });
  });

  it('when the OpenAPI document is requested, then it describes intake with its validation', async () => {
    const response = await http(`${system.url}/openapi.json`);
    expect(response.status).toBe(200);
    expect(response.body.openapi).toBe('3.1.0');
    const schema = response.body.paths['/api/leads'].post.requestBody.content['application/json'].schema;
    expect(schema.anyOf).toEqual([{ required: ['email'] }, { required: ['externalId'] }]);
    expect(schema.required).toEqual(expect.arrayContaining(['source']));
    expect(schema.properties.source.enum).toEqual([
      'events',
      'content',
      'ads',
      'partner-referral',
      'customer-referral',
      'social',
      'cold-outreach',
    ]);
    expect(Object.keys(response.body.paths)).toEqual(
      expect.arrayContaining(['/api/leads', '/api/leads/{id}', '/health']),
    );
  });
});
