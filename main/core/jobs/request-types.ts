// The contract's inputs and answers of the jobs, templates and catalog requests, named for the
// jobs service's facade: its methods take and give exactly what the handlers pass through.
import type { CourierHandlers } from '../../../shared/contract';

type H = CourierHandlers<unknown>;
type Fn = (input: never, ctx: never) => Promise<unknown>;
type InOf<F> = F extends (input: infer I, ctx: never) => Promise<unknown> ? I : never;
type OutOf<F> = F extends Fn ? Awaited<ReturnType<F>> : never;

export type JobsIn<M extends keyof H['jobs']> = InOf<H['jobs'][M]>;
export type JobsOut<M extends keyof H['jobs']> = OutOf<H['jobs'][M]>;
export type TemplatesIn<M extends keyof H['templates']> = InOf<H['templates'][M]>;
export type TemplatesOut<M extends keyof H['templates']> = OutOf<H['templates'][M]>;
export type CatalogOut = OutOf<H['catalog']['get']>;
