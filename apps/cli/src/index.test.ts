/* eslint-disable @typescript-eslint/no-require-imports -- the entry runs on load: each test loads a fresh copy */
describe('the entry point', () => {
  const argv = process.argv;
  afterEach(() => {
    process.argv = argv;
    process.exitCode = undefined;
    jest.restoreAllMocks();
  });

  it('answers --version without building the program', () => {
    const write = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
    process.argv = ['node', 'localagent', '--version'];
    jest.isolateModules(() => require('./index'));
    expect(write).toHaveBeenCalledWith(expect.stringMatching(/^\d+\.\d+\.\d+.*\n$/));
  });

  it('runs a command and sets the exit code', async () => {
    const write = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
    jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    process.argv = ['node', 'localagent', 'errors', 'explain', 'LA_NOT_A_CODE'];
    jest.isolateModules(() => require('./index'));
    for (let i = 0; i < 50 && process.exitCode === undefined; i += 1)
      await new Promise((resolve) => setTimeout(resolve, 10));
    expect(process.exitCode).toBe(4);
    expect(write).not.toHaveBeenCalled();
  });
});
