/** Bodies of the portal's API (docs/contract.md §2), as the front end reads them, one module a domain. */

export type * from "./profile";
export type * from "./accounts";
export type * from "./readings";
export type * from "./payments";
export type * from "./appeals";
export type * from "./staff";
