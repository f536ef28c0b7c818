-- A webhook delivery that failed every attempt of its allowance (about a
-- day) is dead: no worker tries it again until an administrator presses
-- "retry now".
alter type delivery_status add value 'dead';
