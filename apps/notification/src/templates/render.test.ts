import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '@bizosaas/ddd-kernel';
import { checkTemplate, renderTemplate, type Channel, type TemplateIssue } from './render.ts';

/** The ValidationError `run` throws (the test fails when it throws nothing or something else). */
function refusal(run: () => unknown): { message: string; issues: TemplateIssue[] } {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    const { message, details } = error as ValidationError;
    return { message, issues: details['issues'] as TemplateIssue[] };
  }
  throw new Error('expected a ValidationError');
}

const render = (body: string, data: Record<string, unknown>, channel: Channel = 'sms', subject: string | null = null) =>
  renderTemplate({ subject, body, channel }, data);

describe('checkTemplate', () => {
  it('refuses a syntax error, naming the field and its line', () => {
    const { message, issues } = refusal(() =>
      checkTemplate({ subject: 'Hi', body: 'Hello {{ user.name }},\nyour order {{ order.id \nThanks' }, 'email'),
    );
    expect(message).toBe('body line 3: expected variable end');
    expect(issues).toEqual([expect.objectContaining({ path: 'body', field: 'body', line: 3, location: 'body' })]);
  });

  it('refuses an unclosed tag on the line where the template ends', () => {
    const { issues } = refusal(() => checkTemplate({ body: 'one\ntwo {% if x %}\nthree' }, 'sms'));
    expect(issues[0]).toMatchObject({ path: 'body', line: 3 });
  });

  it('refuses an unknown filter with its line and column, in subject and body at once', () => {
    const { message, issues } = refusal(() =>
      checkTemplate({ subject: '{{ title | whisper }}', body: 'a\n\n  {{ name | shout }}' }, 'email'),
    );
    expect(message).toBe("subject line 1: unknown filter 'whisper'; body line 3: unknown filter 'shout'");
    expect(issues).toEqual([
      expect.objectContaining({ path: 'subject', line: 1, column: 12 }),
      expect.objectContaining({ path: 'body', line: 3, column: 13 }),
    ]);
  });

  it('refuses an unknown test', () => {
    expect(refusal(() => checkTemplate({ body: '{% if x is shiny %}x{% endif %}' }, 'sms')).message).toBe(
      "body line 1: unknown test 'shiny'",
    );
  });

  it.each([
    ['{% include "header.html" %}', 'include'],
    ['{% extends "base.html" %}', 'extends'],
    ['{% import "macros.html" as m %}', 'import'],
    ['{% from "macros.html" import button %}', 'from ... import'],
  ])('refuses %s: templates load no other template', (body, tag) => {
    expect(refusal(() => checkTemplate({ body }, 'push')).message).toBe(
      `body line 1: '${tag}' is not allowed: a template cannot load other templates`,
    );
  });

  it('accepts variables it cannot know yet, filters, loops, macros and string methods', () => {
    const body = [
      '{% macro line(item) %}{{ item.name | title }}: {{ item.price | round(2) }}{% endmacro %}',
      'Hi {{ user.firstName | upper }} {{ user.name.toUpperCase() }}',
      '{% for item in order.items %}{{ loop.index }}. {{ line(item) }}{% endfor %}',
      '{{ tags | join(", ") }} {{ placedAt | date("d LLL yyyy") }} {{ nickname | default("friend") }}',
      '{% for key, value in prefs %}{{ key }}={{ value }}{% endfor %} {{ range(3) | join }}',
    ].join('\n');
    expect(() => checkTemplate({ subject: 'Order {{ order.id }}', body }, 'email')).not.toThrow();
  });

  it('refuses calling a variable: data holds no functions', () => {
    expect(refusal(() => checkTemplate({ body: 'x\n{{ user.greet() }}' }, 'sms')).message).toBe(
      'body line 2: \'user["greet"]\' is not a function',
    );
  });

  it('refuses names that lead to constructors and prototypes', () => {
    for (const body of ['{{ "a".constructor }}', '{{ x.__proto__ }}', '{{ cycler["prototype"] }}', '{{ __proto__ }}'])
      expect(refusal(() => checkTemplate({ body }, 'sms')).message).toMatch(/^body line 1: '.+' is not accessible/);
  });
});

describe('renderTemplate', () => {
  const data = { user: { firstName: '<b>Ann</b> & "Bo"' } };

  it('escapes what an email body prints, not its subject nor any other channel', () => {
    const template = { subject: 'For {{ user.firstName }}', body: '<p>Hi {{ user.firstName }}</p>' };
    expect(renderTemplate({ ...template, channel: 'email' }, data)).toEqual({
      subject: 'For <b>Ann</b> & "Bo"',
      body: '<p>Hi &lt;b&gt;Ann&lt;/b&gt; &amp; &quot;Bo&quot;</p>',
    });
    for (const channel of ['sms', 'push', 'in_app'] as const)
      expect(renderTemplate({ ...template, channel }, data).body).toBe('<p>Hi <b>Ann</b> & "Bo"</p>');
  });

  it('prints what the template marks safe unescaped', () => {
    expect(render('{{ html | safe }}', { html: '<i>x</i>' }, 'email', 's').body).toBe('<i>x</i>');
  });

  it('fails on a missing variable, naming it and its line', () => {
    const { message, issues } = refusal(() => render('Hello\n{{ user.lastName }}', data));
    expect(message).toBe("body line 2: 'user.lastName' is undefined");
    expect(issues).toEqual([
      expect.objectContaining({ path: 'data.user.lastName', variable: 'user.lastName', field: 'body', line: 2 }),
    ]);
    expect(refusal(() => render('x', {}, 'push', '{{ title }}')).message).toBe("subject line 1: 'title' is undefined");
  });

  it('fails on a missing variable in a condition or a loop too', () => {
    expect(refusal(() => render('{% if vip %}VIP{% endif %}', {})).message).toBe("body line 1: 'vip' is undefined");
    expect(refusal(() => render('{% for i in order.items %}{{ i }}{% endfor %}', { order: {} })).message).toBe(
      "body line 1: 'order.items' is undefined",
    );
  });

  it('lets `is defined` and `default` tolerate what is missing', () => {
    const body = '{{ user.nickname | default(user.firstName) }}{% if coupon is defined %} {{ coupon }}{% endif %}';
    expect(render(body, { user: { firstName: 'Ann' } }).body).toBe('Ann');
    expect(render(body, { user: { firstName: 'Ann' }, coupon: 'X1' }).body).toBe('Ann X1');
    expect(render('{{ a.b.c | d("none") }}', {}).body).toBe('none');
  });

  it('prints null as nothing: the variable is there, without a value', () => {
    expect(render('[{{ middleName }}]', { middleName: null }).body).toBe('[]');
  });

  it('formats dates with luxon in a zone and locale', () => {
    const when = { at: '2026-03-01T23:30:00Z' };
    expect(render('{{ at | date }}', when).body).toBe('2026-03-01');
    expect(render('{{ at | date("d LLLL yyyy HH:mm", "Europe/Berlin", "de") }}', when).body).toBe('2 März 2026 00:30');
    expect(refusal(() => render('\n{{ at | date }}', { at: 'soon' })).message).toBe(
      'body line 2: date: "soon" is not an ISO 8601 date or epoch milliseconds',
    );
  });

  it('refuses to reach constructors through computed keys, function attributes and in-place changes', () => {
    expect(refusal(() => render('{{ x[k] }}', { x: {}, k: 'constructor' })).message).toBe(
      "body line 1: 'x.constructor' is not accessible in templates",
    );
    expect(refusal(() => render('{{ x[("constr" ~ "uctor") | safe] }}', { x: 'a' })).message).toMatch(
      /'x\.constructor' is not accessible/,
    );
    expect(refusal(() => render('{{ joiner.call }}', {})).message).toBe(
      "body line 1: 'joiner.call': functions have no attributes",
    );
    const items = [1, 2];
    expect(refusal(() => render('{{ items.push(3) }}', { items })).message).toMatch(/'items\.push' is not accessible/);
    expect(items).toEqual([1, 2]);
  });

  it('stops a template that loops or recurses without end', () => {
    const loops = '{% for i in range(1000) %}{% for j in range(1000) %}.{% endfor %}{% endfor %}';
    expect(refusal(() => render(loops, {})).message).toMatch(/more than 200000 loop iterations and calls/);
    expect(refusal(() => render('{{ range(100000) | length }}', {})).message).toMatch(/range: more than 10000/);
    expect(refusal(() => render('{{ "x" | center(100000000) }}', {})).message).toMatch(/center: 100000000 is over/);
  });

  it('renders macros, set variables and blocks of the template itself', () => {
    const body =
      '{% macro pair(a, b) %}{{ a }}/{{ b }}{% endmacro %}{% set n = 2 %}{{ pair(n, "x") }}{% block b %}!{% endblock %}';
    expect(render(body, {}).body).toBe('2/x!');
  });
});

describe('rendering touches nothing but the data', () => {
  const prototypeNames = Object.getOwnPropertyNames(Object.prototype);
  const escapeHtml = (text: string) =>
    text.replace(
      /[&"'<>\\]/g,
      (c) => ({ '&': '&amp;', '"': '&quot;', "'": '&#39;', '<': '&lt;', '>': '&gt;' })[c] ?? '&#92;',
    );

  it('prints any data value escaped in an email body and verbatim in a text channel', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.string(), (value, key) => {
        const data = { v: value, nested: { [key]: value } };
        expect(render('<p>{{ v }}</p>', data, 'email', 's').body).toBe(`<p>${escapeHtml(value)}</p>`);
        expect(render('{{ v }}|{{ nested[k] }}', { ...data, k: key }).body).toBe(`${value}|${value}`);
      }),
    );
  });

  it('answers a computed lookup with own data or a ValidationError, never with what lies behind the data', () => {
    const keys = fc.oneof(
      fc.string(),
      fc.constantFrom(
        'constructor',
        '__proto__',
        'prototype',
        'toString',
        'valueOf',
        'hasOwnProperty',
        'length',
        'call',
      ),
    );
    const owner = fc.constantFrom<unknown>({}, [], 'text', 42, { a: 1 });
    fc.assert(
      fc.property(owner, keys, (value, key) => {
        let body: string | undefined;
        try {
          body = render('{{ value[key] }}', { value, key }).body;
        } catch (error) {
          expect(error).toBeInstanceOf(ValidationError);
        }
        if (body !== undefined) expect(body).not.toMatch(/native code|=>|function/);
      }),
    );
    expect(Object.getOwnPropertyNames(Object.prototype)).toEqual(prototypeNames);
  });

  it('refuses or renders any template made of template syntax, and only fails with a ValidationError', () => {
    const token = fc.constantFrom(
      ...['{{', '}}', '{%', '%}', ' ', 'x', 'user', '.', '[', ']', '(', ')', '|', '"constructor"', 'constructor'],
      ...['__proto__', 'range', 'cycler', 'upper', 'join', 'for', 'in', 'endfor', 'if', 'endif', 'set', '=', '~'],
      ...['macro', 'endmacro', 'call', 'is', 'defined', 'default', '1', '"a"', ',', 'loop', 'safe', 'push', 'text'],
    );
    const data = { user: { name: 'Ann', tags: ['a'] }, x: [1, 2], text: '<b>' };
    fc.assert(
      fc.property(fc.array(token, { maxLength: 30 }), fc.constantFrom<Channel>('email', 'sms'), (tokens, channel) => {
        const body = tokens.join('');
        for (const attempt of [() => checkTemplate({ body }, channel), () => render(body, data, channel, 's')]) {
          try {
            attempt();
          } catch (error) {
            expect(error).toBeInstanceOf(ValidationError);
          }
        }
        expect(data.x).toEqual([1, 2]);
      }),
    );
    expect(Object.getOwnPropertyNames(Object.prototype)).toEqual(prototypeNames);
  });
});
