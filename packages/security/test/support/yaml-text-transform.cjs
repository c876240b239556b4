// Jest counterpart of tsup's `loader: { '.yaml': 'text' }`: a .yaml import is its text.
module.exports = {
  process(source) {
    return { code: `module.exports = ${JSON.stringify(source)};` };
  },
};
