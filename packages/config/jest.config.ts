import { packageJestConfig } from '../../jest.preset';

export default packageJestConfig(__dirname, 'config');
