import { libraryBuild } from '../../tsup.preset';

export default libraryBuild();
