import { libraryBuild } from '../../tsup.preset';

// `@localagent/logging/config`: the config section and the lists of levels and formats, without winston
export default libraryBuild({ index: 'src/index.ts', config: 'src/config-section.ts' });
