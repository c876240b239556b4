import { libraryBuild } from '../../tsup.preset';

// `@localagent/security/config`: the config section, storage and validation modes, file names, without the key store
export default libraryBuild({ index: 'src/index.ts', config: 'src/config-section.ts' });
