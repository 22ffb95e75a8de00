// Not for direct use: `import { Emulator } from 'ccc-aicall'` loads this package when an emulator starts.
type LoadNative = (name: string, local: string, requireFrom: (id: string) => any) => any;
declare function load(loadNative: LoadNative): typeof import('./native');
export = load;
