export * from './model.ts';
export { verifyRegisterChain } from './registers.ts';
export { createSoftwarePsd, type SoftwarePsdDeps } from './software.ts';
