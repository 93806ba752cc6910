/** SNPT: source network prefix translation; shares its definition with DNPT (ip6t_NPT.c). */
export { SNPT, isNptTarget, type NptOptions, type NptPrefix } from './DNPT.js';
