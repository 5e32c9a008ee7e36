/** The span attribute naming the part of Ketenpoort that answered a request (gateway, keten-subgraph, adapter-uwv, sandbox-uwv, ...). */
export const COMPONENT = 'ketenpoort.component';
