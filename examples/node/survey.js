'use strict';
// Surveyor0 / Respondent0 (pynng's survey example).
const assert = require('node:assert/strict');
const { setTimeout: sleep } = require('node:timers/promises');
const { Surveyor0, Respondent0, Timeout } = require('pnng');

const address = process.argv[2] || 'tcp://127.0.0.1:13131';

async function main() {
  const surveyor = new Surveyor0({ listen: address });
  const responder1 = new Respondent0({ dial: address, recvTimeout: 5000 });
  const responder2 = new Respondent0({ dial: address, recvTimeout: 5000 });
  try {
    // give time for connections to happen
    while (surveyor.pipes.length < 2) await sleep(10);
    surveyor.surveyTime = 500;
    await surveyor.send(Buffer.from('who wants to party?'));
    // usually these would be in another thread or process
    await responder1.recv();
    await responder2.recv();
    await responder1.send(Buffer.from('me me me!!!'));
    await responder2.send(Buffer.from('I need to sit this one out.'));
    // accept responses until the survey is finished.
    let answers = 0;
    for (;;) {
      try {
        const response = (await surveyor.recv()).toString();
        answers += 1;
        if (response === 'me me me!!!') console.log('all right, someone is ready to party!');
        else if (response === 'I need to sit this one out.') console.log('Too bad, someone is not ready to party.');
      } catch (e) {
        if (!(e instanceof Timeout)) throw e;
        console.log('survey is OVER! Time for bed.');
        break;
      }
    }
    assert.equal(answers, 2);
  } finally {
    for (const s of [surveyor, responder1, responder2]) s.close();
  }
}

main().catch((e) => { console.error(e); process.exitCode = 1; });
