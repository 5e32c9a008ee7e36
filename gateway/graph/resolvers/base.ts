// Resolvers of the keten subgraph's base: who is logged in.
import type { KetenContext } from '../keten-context.js';

export const baseResolvers = {
  Query: {
    async ik(_: unknown, __: unknown, { caller, services }: KetenContext) {
      if (caller.role === 'client') return { rol: caller.role, naam: caller.name, organisatie: null };
      const org = await services.prisma.organisation.findUnique({ where: { oin: caller.oin } });
      return {
        rol: caller.role,
        naam: caller.name,
        organisatie: { oin: caller.oin, naam: org?.name ?? caller.oin, soort: org?.kind ?? 'onbekend' },
      };
    },
  },
};
