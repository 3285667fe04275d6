import pkg from '../../package.json';

/** The app's version, from package.json (the one source of truth). */
export const courierVersion: string = pkg.version;
